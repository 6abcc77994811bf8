import { describe, expect, it } from 'vitest';
import { importedPaths, type PickedFile } from './importFiles';

const picked = (...paths: string[]): PickedFile[] => paths.map((path) => ({ path, file: null as unknown as File }));

describe('importedPaths', () => {
  it('reads a dropped tileset folder through its tileset.json alone', () => {
    expect(importedPaths(picked('ams/SOURCE.md', 'ams/tileset.json', 'ams/tiles/1.b3dm', 'ams/tiles/sub.json', 'ams/bins.geojson')))
      .toEqual(['ams/tileset.json', 'ams/bins.geojson']);
  });
  it('keeps every data file when there is no tileset, but not a grid\'s .prj', () => {
    expect(importedPaths(picked('a.geojson', 'dem.asc', 'dem.prj', 'b.csv'))).toEqual(['a.geojson', 'dem.asc', 'b.csv']);
  });
  it('a tileset picked as loose files: its tiles are uploaded, not read', () => {
    expect(importedPaths(picked('tileset.json', '1.b3dm', 'x.geojson'))).toEqual(['tileset.json', 'x.geojson']);
  });
});
