// Reading and checking on a worker thread gives what the in-process read gives; cancel ends it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readImportFiles } from './index';
import { readInWorker } from './readInWorker';

const path = fileURLToPath(new URL('../../../../shared/data/assets-cambridge-ma/DPW_LitterBarrels.geojson', import.meta.url));
const files = [{ path, name: 'DPW_LitterBarrels.geojson' }];
const opts = { city: 'w', replace: false };
const mapping = { '*': { class: '03005' as const } };

describe.skipIf(!existsSync(path))('readInWorker', () => {
  it('returns the same records, reports and problems as reading in-process, with progress', async () => {
    const phases: string[] = [];
    const a = await readInWorker(files, opts, mapping, { onProgress: (p) => phases.push(p.phase) });
    const b = await readImportFiles(files, opts, mapping);
    expect(a.reports).toEqual(b.reports);
    expect(a.collected.components.lon).toEqual(b.collected.components.lon);
    expect(a.collected.components.cls).toHaveLength(990);
    expect(a.errors).toBe(0);
    expect(phases).toContain('parse');
  }, 60_000);

  it('cancels: the promise rejects and the thread ends', async () => {
    const ac = new AbortController();
    const p = readInWorker(files, opts, mapping, { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toThrow('cancelled');
  });
});
