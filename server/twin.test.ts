import { describe, expect, it } from 'vitest';
import type { CityData } from '../models/city';
import { gridIndex } from './twin';

describe('gridIndex', () => {
  it('lists each grid\'s components in index order and counts its buildings, as a full scan would', () => {
    const unitGrid = Uint32Array.from([2, 0, 2, 1, 0, 2, 3]);
    const city = {
      unitGrids: [{}, {}, {}, {}, {}],
      components: { count: unitGrid.length, unitGrid },
      buildings: [{ unitGrid: 1 }, { unitGrid: 1 }, { unitGrid: 4 }],
    } as unknown as CityData;
    const { start, components, buildings } = gridIndex(city);
    for (let g = 0; g < 5; g++) {
      const scan = [...unitGrid.keys()].filter((i) => unitGrid[i] === g);
      expect([...components.subarray(start[g]!, start[g + 1]!)]).toEqual(scan);
    }
    expect([...buildings]).toEqual([0, 2, 0, 0, 1]);
  });
});
