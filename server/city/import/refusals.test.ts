import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readImportFiles } from './index';

// A refused file is named as the user knows it: an upload's path on the server is not echoed.
const dir = mkdtempSync(join(tmpdir(), 'twin-refusals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('import refusals', () => {
  it('names the file, not its path on the server', async () => {
    const asc = join(dir, 'dem.asc');
    writeFileSync(asc, 'ncols 2000000000\nnrows 3\nxllcorner 0\nyllcorner 0\ncellsize 5\n1 2 3\n');
    const r = await readImportFiles([{ path: asc, name: 'dem.asc' }, { path: join(dir, 'never-uploaded.geojson'), name: 'never-uploaded.geojson' }], { city: 'x', replace: false, crs: 32650 });
    const messages = r.problems.map((p) => `${p.file}: ${p.message}`);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^dem\.asc: dem\.asc:1: the header declares ncols x nrows = 6000000000 values/);
    expect(messages[1]).toMatch(/^never-uploaded\.geojson: ENOENT/);
    for (const m of messages) expect(m).not.toContain(dir);
  });
});
