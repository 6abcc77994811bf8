import type { CityLayers, LayerName } from '../../models/layers';
import { buildingMeshBuffers } from '../buildings/buildingMesh';
import { rasterGrids } from '../grids/rasterGrids';
import { paintGroundMask } from '../roads/paintRoads';
import { heightAt, heightGridFromDem, terrainMeshBuffers, type HeightGrid } from '../terrain/heightField';
import { waterMeshBuffers } from '../water/waterMesh';
import { groundBox, type GroundBox } from './box';

/** Everything the scene uploads, computed off the main thread from the decoded layers. */
export interface PreparedCity {
  layers: CityLayers;
  height: HeightGrid;
  box: GroundBox;
  terrainMesh: ReturnType<typeof terrainMeshBuffers>;
  groundMask: Uint8Array;
  gridRaster: Uint8Array;
  buildingMesh: ReturnType<typeof buildingMeshBuffers>;
  waterMesh: ReturnType<typeof waterMeshBuffers>;
  /** component and prone-point heights on the drawn terrain surface */
  componentZ: Float32Array;
  proneZ: Float32Array;
  /** milliseconds per step (fetch+decode per layer, prepare steps) and bytes per layer */
  timings: Record<string, number>;
  bytes: Partial<Record<LayerName, number>>;
}

export function prepareCity(layers: CityLayers, timings: Record<string, number>): Omit<PreparedCity, 'bytes'> {
  const t = layers.terrain;
  let t0 = performance.now();
  const height = heightGridFromDem(t);
  const box = groundBox(t.x0, t.y0 - t.rows * t.cellSize, t.x0 + t.cols * t.cellSize, t.y0);
  const terrainMesh = terrainMeshBuffers(height, box);
  timings['prepare.terrain'] = performance.now() - t0;
  t0 = performance.now();
  const groundMask = paintGroundMask(box, layers.roads, layers.water);
  timings['prepare.roadsWater'] = performance.now() - t0;
  t0 = performance.now();
  const gridRaster = rasterGrids(box, layers.grids);
  timings['prepare.grids'] = performance.now() - t0;
  t0 = performance.now();
  const buildingMesh = buildingMeshBuffers(layers.buildings);
  timings['prepare.buildings'] = performance.now() - t0;
  t0 = performance.now();
  const waterMesh = waterMeshBuffers(layers.water);
  const c = layers.components;
  const componentZ = new Float32Array(c.count);
  for (let i = 0; i < c.count; i++) componentZ[i] = Math.max(c.z[i]!, heightAt(height, c.x[i]!, c.y[i]!));
  const p = layers.prone;
  const proneZ = new Float32Array(p.count);
  for (let i = 0; i < p.count; i++) proneZ[i] = heightAt(height, p.x[i]!, p.y[i]!);
  timings['prepare.other'] = performance.now() - t0;
  return { layers, height, box, terrainMesh, groundMask, gridRaster, buildingMesh, waterMesh, componentZ, proneZ, timings };
}

/** Every ArrayBuffer reachable from the prepared city (for a zero-copy transfer). */
export function transferablesOf(x: unknown, seen = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(x)) seen.add(x.buffer as ArrayBuffer);
  else if (x && typeof x === 'object') for (const v of Object.values(x)) transferablesOf(v, seen);
  return [...seen];
}
