// The photo store on disk: a put is complete or absent (temporary name, fsync, rename), keys
// cannot name other paths, and the sweep removes leftovers of interrupted writes only when old.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilePhotoStore, MemoryPhotoStore, photoKeys, photoStoreFor, S3PhotoStore } from './photoStore';
import { startTestS3 } from './testS3';

const dir = mkdtempSync(join(tmpdir(), 'twin-photos-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const C = '11111111-1111-4111-8111-111111111111', P = '22222222-2222-4222-8222-222222222222', Q = '33333333-3333-4333-8333-333333333333';

describe('FilePhotoStore', () => {
  it('stores, reads and removes by key, with no temporary file left', async () => {
    const s = new FilePhotoStore(join(dir, 'a'));
    const k = photoKeys(C, P);
    await s.put(k.full, new Uint8Array([1, 2, 3]));
    await s.put(k.thumb, new Uint8Array([4]));
    expect(await s.get(k.full)).toEqual(new Uint8Array([1, 2, 3]));
    expect(readdirSync(join(dir, 'a', C)).sort()).toEqual([P, `${P}.thumb`]);
    await s.remove(k.full);
    expect(await s.get(k.full)).toBeNull();
    await s.remove(k.full); // twice: no error
    await expect(s.get(`${C}/../../etc/passwd`)).rejects.toThrow(/not a photo key/);
    await expect(s.put('../x', new Uint8Array(1))).rejects.toThrow(/not a photo key/);
  });

  it('a write that fails leaves nothing under the key', async () => {
    if (process.getuid?.() === 0) {
      // root writes through permissions: make the final name a folder instead, so the rename fails
      const s = new FilePhotoStore(join(dir, 'b'));
      mkdirSync(join(dir, 'b', C, P, 'x'), { recursive: true });
      await expect(s.put(photoKeys(C, P).full, new Uint8Array([9]))).rejects.toThrow();
      expect(readdirSync(join(dir, 'b', C))).toEqual([P]); // the folder only: no temporary file
    } else {
      const s = new FilePhotoStore(join(dir, 'b'));
      mkdirSync(join(dir, 'b', C), { recursive: true });
      chmodSync(join(dir, 'b', C), 0o500);
      await expect(s.put(photoKeys(C, P).full, new Uint8Array([9]))).rejects.toThrow();
      chmodSync(join(dir, 'b', C), 0o700);
      expect(readdirSync(join(dir, 'b', C))).toEqual([]);
    }
  });

  it('sweeps old temporary files and files no row names, never young ones or known ones', async () => {
    const s = new FilePhotoStore(join(dir, 'c'));
    await s.put(photoKeys(C, P).full, new Uint8Array([1]));
    await s.put(photoKeys(C, Q).full, new Uint8Array([2]));
    await s.put(photoKeys(C, Q).thumb, new Uint8Array([3]));
    const tmp = join(dir, 'c', C, `.${P}.abcdef.tmp`);
    writeFileSync(tmp, 'half');
    const now = Date.now();
    const known = async (id: string) => id === P;
    expect(await s.sweep(known, 3_600_000, now)).toBe(0); // all young
    const old = new Date(now - 2 * 3_600_000);
    for (const f of readdirSync(join(dir, 'c', C))) utimesSync(join(dir, 'c', C, f), old, old);
    expect(await s.sweep(known, 3_600_000, now)).toBe(3);
    expect(readdirSync(join(dir, 'c', C))).toEqual([P]);
  });

  it('DATA_DIR "" keeps photos in memory; otherwise files under DATA_DIR/case-photos', () => {
    expect(photoStoreFor({ DATA_DIR: '' })).toBeInstanceOf(MemoryPhotoStore);
    const f = photoStoreFor({ DATA_DIR: join(dir, 'd') });
    expect(f).toBeInstanceOf(FilePhotoStore);
    expect((f as FilePhotoStore).dir).toBe(join(dir, 'd', 'case-photos'));
    expect(photoStoreFor({ DATA_DIR: 'x', S3_BUCKET: 'b', S3_ENDPOINT: 'http://127.0.0.1:9', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's' })).toBeInstanceOf(S3PhotoStore);
  });
});

describe('S3PhotoStore against an S3-compatible server on loopback', () => {
  it('puts, gets and removes objects under the prefix; a missing key is null; errors name the object', async () => {
    const s3 = await startTestS3();
    try {
      const k = photoKeys(C, P);
      await s3.store.put(k.full, new Uint8Array([1, 2, 3, 250]));
      await s3.store.put(k.thumb, new Uint8Array([7]));
      expect(await s3.store.get(k.full)).toEqual(new Uint8Array([1, 2, 3, 250]));
      expect(await s3.store.get(photoKeys(C, Q).full)).toBeNull();
      await s3.store.remove(k.full);
      expect(await s3.store.get(k.full)).toBeNull();
      await s3.store.remove(k.full); // gone already: no error
      expect(await s3.store.get(k.thumb)).toEqual(new Uint8Array([7]));
      // a bucket that does not exist: the error says which object and what the store answered
      const other = new S3PhotoStore({ endpoint: (s3.store as unknown as { cfg: { endpoint: string } }).cfg.endpoint, bucket: 'no-such-bucket', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix: '' });
      await expect(other.put(k.full, new Uint8Array([1]))).rejects.toThrow(new RegExp(`S3 PUT no-such-bucket/${C}/${P}: 404 .*NoSuchBucket`));
    } finally {
      await s3.close();
    }
  });
});
