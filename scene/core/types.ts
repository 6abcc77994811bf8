import type { TilesetRef } from '../../models/tileset';
import type * as THREE from 'three';
import type { PreparedCity } from '../data/prepare';
import type { LiveConnection, WorkerOut } from '../live/protocol';

/** The city as the engine is created with it (origin and extent in local metres). */
export interface TwinCityInfo {
  slug: string;
  originLonDeg: number;
  originLatDeg: number;
  originHeightM: number;
  extent: [number, number, number, number];
  /** imported 3D Tiles tilesets (scene/tilesets) */
  tilesets?: TilesetRef[];
}

export const LAYER_KEYS = ['buildings', 'roads', 'water', 'grids', 'responsibility', 'prone', 'components'] as const;
export type LayerKey = (typeof LAYER_KEYS)[number];

export type Selection =
  | { kind: 'component'; index: number }
  | { kind: 'grid'; index: number }
  | { kind: 'building'; index: number }
  | { kind: 'point'; x: number; y: number }
  | null;

/**
 * What the layers draw from, owned by the core. A layer's update() gets only the keys that
 * changed (deck.gl's update triggers, by identity): a new object means "changed".
 */
export interface TwinInputs {
  layers: Readonly<Record<LayerKey, boolean>>;
  selection: Selection;
  /**
   * Per unit grid, the flood depth class at the shown time (index into FLOOD_DEPTH_CLASSES,
   * -1 dry); null while no run is shown (the grids show their five-colour level then).
   */
  floodGrids: Int8Array | null;
}

/** Per drawn frame, before the draw: written in place by the core, never reallocated. */
export interface FrameInfo {
  camera: THREE.PerspectiveCamera;
  /** metres per pixel at 1 m from the camera */
  mPerPx1: number;
  renderer: THREE.WebGLRenderer;
  /** a rough frame (a control is being dragged): layers may draw a coarser mesh */
  rough: boolean;
}

/** The first opaque thing under a click (building or ground), for layers that claim it. */
export interface PickHit {
  ray: THREE.Ray;
  /** distance to the first building or the ground along the ray (Infinity: none) */
  t: number;
  /** building index, -1 for ground */
  building: number;
  /** screen pixel (CSS px in the canvas) and the canvas size */
  px: number;
  py: number;
  width: number;
  height: number;
  camera: THREE.PerspectiveCamera;
  /** whether something opaque (building, ground) hides a point from the camera */
  occluded(p: THREE.Vector3): boolean;
}

/** What the engine reports to React (status line, HUD). */
export interface TwinStatus {
  phase: 'loading' | 'ready' | 'error';
  error: string | null;
  connection: LiveConnection;
  seq: number;
  changesPerSec: number;
  frameMs: number;
  drawCalls: number;
  renderedFrames: number;
  /** frames Cesium drew (the globe); the Three layer also draws alone for live changes */
  globeFrames: number;
}

/** What the core hands a layer when it attaches. */
export interface LayerContext {
  readonly info: TwinCityInfo;
  /** the Three root group in the city's East-North-Up frame; layers add their objects here */
  readonly root: THREE.Group;
  readonly city: PreparedCity;
  /** a frame of the globe and the Three layer (camera-dependent changes) */
  requestRender(): void;
  /** a frame of the Three layer alone (colours, textures): the globe keeps its image */
  requestThree(): void;
  /** tells React panels something changed (engine.subscribe) */
  emit(): void;
  /** the selected item's live data changed (the inspector refetches) */
  selectionLive(): void;
  /** the Three camera, synced from Cesium's (null before the canvas exists) */
  camera(): THREE.PerspectiveCamera | null;
  /** height of the drawn terrain at local (x, y) */
  groundZ(x: number, y: number): number;
  /** the core's inputs as they are now */
  readonly inputs: Readonly<TwinInputs>;
  /** changes some inputs; every layer's update() gets what changed */
  setInputs(changed: Partial<TwinInputs>): void;
  /** another layer by id (attached before this one) */
  layer<T extends TwinLayer>(id: string): T | null;
  /** objects layers share by key (e.g. uniforms one layer writes and another's shader reads) */
  readonly shared: Map<string, unknown>;
  /** the element under the pointer (the globe's container): map tools listen to it */
  pointerTarget(): HTMLElement;
  /** the first opaque thing (building or ground) under canvas pixel (px, py), or null */
  hitAt(px: number, py: number): MapHit | null;
  /** the camera controller's mouse and touch input on or off (off while a handle is dragged) */
  cameraInputs(on: boolean): void;
}

/** A point picked on the map (local metres); building -1 for the ground. */
export interface MapHit { x: number; y: number; z: number; building: number }

/**
 * One visual layer. attach(ctx) builds its objects from the city; update(changed) gets changed
 * inputs; beforeRender runs once per drawn frame (camera-dependent state, no allocation);
 * live(m) gets the live stream's changes (returns true when it needs a Three frame);
 * pick(hit) turns a click into its own selection; dispose() frees what attach made.
 */
export interface TwinLayer {
  readonly id: string;
  attach(ctx: LayerContext): void;
  update?(changed: Partial<TwinInputs>): void;
  beforeRender?(f: FrameInfo): void;
  /** after the Three layer was drawn (e.g. when a change reached the screen) */
  afterRender?(): void;
  live?(m: Extract<WorkerOut, { type: 'changes' }>): boolean;
  pick?(hit: PickHit): Selection | undefined;
  /** layers are asked to pick in this order, lowest first (default 100): components before buildings before the ground */
  readonly pickOrder?: number;
  /** a measurement switch: hide a named part (TwinHooks.debugHide) */
  debugHide?(part: string, hidden: boolean): void;
  dispose(): void;
}

/** Layers the engine has by default, in attach order (a new layer: one line in scene/layers.ts). */
export type LayerFactory = () => TwinLayer;
