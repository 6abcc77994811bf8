import { describe, expect, it } from 'vitest';
import { encodeGeoTiff, MAX_RASTER_CELLS, parseAscii, parseGeoTiff } from './raster';

// Headers that ask for huge grids are refused before anything is allocated.
describe('raster headers', () => {
  const ascii = (cols: string, rows: string) => `ncols ${cols}\nnrows ${rows}\nxllcorner 0\nyllcorner 0\ncellsize 5\n1 2 3 4\n`;

  it('reads a small ESRI ASCII grid', () => {
    expect(parseAscii(ascii('2', '2'))).toMatchObject({ cols: 2, rows: 2, cellSize: 5 });
  });

  it('refuses an ASCII header declaring more values than the file can hold, before allocating', () => {
    expect(() => parseAscii(ascii('2000000000', '100000'), 'x.asc')).toThrow(/x\.asc:1: the header declares ncols x nrows = 200000000000000 values, the file has room for at most 4/);
    expect(() => parseAscii(ascii('30000', '30000'))).toThrow(/room for at most/);
  });

  it('refuses a GeoTIFF whose header names more cells than a DEM may have', async () => {
    const b = new Uint8Array(encodeGeoTiff({ cols: 4, rows: 4, cellSize: 5, xll: 0, yll: 0, data: new Float32Array(16), epsg: 32650 }));
    const dv = new DataView(b.buffer);
    const le = b[0] === 0x49;
    const ifd = dv.getUint32(4, le);
    for (let e = 0; e < dv.getUint16(ifd, le); e++) {
      const at = ifd + 2 + 12 * e, tag = dv.getUint16(at, le);
      if (tag === 256 || tag === 257) { if (dv.getUint16(at + 2, le) === 3) dv.setUint16(at + 8, 65_535, le); else dv.setUint32(at + 8, 65_535, le); }
    }
    await expect(parseGeoTiff(b, 'big.tif')).rejects.toThrow(new RegExp(`big\\.tif: 65535 x 65535 cells is over the ${MAX_RASTER_CELLS}`));
  });
});
