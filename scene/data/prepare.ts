import type { CityLayers, LayerName } from '../../models/layers';
import { buildingMeshBuffers } from '../buildings/buildingMesh';
import { heightAt, heightGridFromDem, terrainMeshBuffers, type HeightGrid } from '../terrain/heightField';
import { waterMeshBuffers } from '../water/waterMesh';
import type { GroundBox } from '../../models/groundRaster';

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
  // the ground rasters come painted by the server (the "ground" layer), over the terrain's box
  const g = layers.ground;
  const box: GroundBox = { xmin: g.xmin, ymin: g.ymin, xmax: g.xmax, ymax: g.ymax, width: g.width, height: g.height };
  const terrainMesh = terrainMeshBuffers(height, box);
  timings['prepare.terrain'] = performance.now() - t0;
  const groundMask = g.mask;
  const gridRaster = g.grids;
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
