import { BuildingsLayer } from './buildings/buildingsLayer';
import { CasesLayer } from './cases/casesLayer';
import { CompareLayer } from './compare/compareLayer';
import { EditLayer } from './edit/editLayer';
import { EvacuationLayer } from './evacuation/evacuationLayer';
import { ComponentsTwinLayer } from './components/componentsTwinLayer';
import type { TwinLayer } from './core/types';
import { FloodLayer } from './flood/floodLayer';
import { GridsLayer } from './grids/gridsLayer';
import { MeasureLayer } from './measure/measureLayer';
import { ProneTwinLayer } from './prone/proneLayer';
import { MarkerLayer } from './selection/markerLayer';
import { PersonLayer } from './person/personLayer';
import { TerrainLayer } from './terrain/terrainLayer';
import { TilesetLayer } from './tilesets/tilesetLayer';
import { WaterLayer } from './water/waterLayer';

/**
 * The twin's layers, in attach order (a layer may use those before it: the terrain drapes the
 * grids' and the components' textures, the flood water reuses the terrain's mesh). A new layer
 * is its folder plus one line here.
 */
export function createLayers(): TwinLayer[] {
  return [
    new GridsLayer(),
    new ComponentsTwinLayer(),
    new TerrainLayer(),
    new BuildingsLayer(),
    new TilesetLayer(),
    new WaterLayer(),
    new ProneTwinLayer(),
    new FloodLayer(),
    new EvacuationLayer(),
    new CompareLayer(),
    new CasesLayer(),
    new MarkerLayer(),
    new PersonLayer(),
    new EditLayer(),
    new MeasureLayer(),
  ];
}
