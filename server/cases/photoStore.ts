// Where case photos and their thumbnails live: files under DATA_DIR/case-photos (the default), an
// S3-compatible bucket when S3_BUCKET is set, or memory when DATA_DIR is '' (in-process tests). The database keeps only each photo's row
// (case, phase, type, size, which store), so a backup of the database is not gigabytes of
// camera pictures, and the bytes are served from a file.
// A photo's bytes are written before its row (see CaseStore.addPhoto): put() resolves only once
// the file is durable (written to a temporary name, fsynced, renamed, its folder fsynced), so a
// row never names a file that a crash could lose or leave half-written.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AwsClient } from 'aws4fetch';
import type { Env } from '../env';

/** The bytes of photos by key (`<caseId>/<photoId>` and `<caseId>/<photoId>.thumb`). */
export interface PhotoStore {
  /** the name kept in case_photos.store, so a row is read from the store that has it */
  readonly kind: 'file' | 'memory' | 's3';
  /** resolves once the bytes are durable; on failure nothing is left under the key */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** null when nothing is stored under the key */
  get(key: string): Promise<Uint8Array | null>;
  /** no error when nothing is there */
  remove(key: string): Promise<void>;
}

/** A photo's keys: the photo as uploaded, and its WebP thumbnail. */
export function photoKeys(caseId: string, photoId: string): { full: string; thumb: string } {
  return { full: `${caseId}/${photoId}`, thumb: `${caseId}/${photoId}.thumb` };
}

// keys are made from two UUIDs here, never from a request: refuse anything else before it names a path
const KEY = /^[0-9a-f-]{36}\/[0-9a-f-]{36}(\.thumb)?$/;
function checkKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`not a photo key: ${JSON.stringify(key)}`);
  return key;
}

const TMP = /^\..*\.tmp$/;

export class FilePhotoStore implements PhotoStore {
  readonly kind = 'file';
  constructor(readonly dir: string) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const [caseDir, name] = checkKey(key).split('/') as [string, string];
    const folder = join(this.dir, caseDir);
    await mkdir(folder, { recursive: true });
    const tmp = join(folder, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const f = await open(tmp, 'wx', 0o600);
      try {
        await f.writeFile(bytes);
        await f.sync();
      } finally {
        await f.close();
      }
      await rename(tmp, join(folder, name));
      // the rename itself is durable only once the folder's entry is on disk
      const d = await open(folder, 'r');
      try { await d.sync(); } finally { await d.close(); }
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(join(this.dir, checkKey(key))));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(join(this.dir, checkKey(key)), { force: true });
  }

  /**
   * Files no row names, left by a process killed between writing a photo and inserting its row,
   * and temporary files of writes that never finished: removed when older than `minAgeMs` (a
   * younger one may be an upload in flight in another process sharing the folder).
   */
  async sweep(known: (photoId: string) => Promise<boolean>, minAgeMs = 3_600_000, now = Date.now()): Promise<number> {
    let removed = 0;
    const cases = await readdir(this.dir).catch(() => [] as string[]);
    for (const c of cases) {
      const names = await readdir(join(this.dir, c)).catch(() => [] as string[]);
      for (const name of names) {
        const path = join(this.dir, c, name);
        const st = await stat(path).catch(() => null);
        if (!st?.isFile() || now - st.mtimeMs < minAgeMs) continue;
        if (TMP.test(name) || !(await known(name.replace(/\.thumb$/, '')))) {
          await rm(path, { force: true });
          removed++;
        }
      }
    }
    return removed;
  }
}

/** DATA_DIR '' (in-process tests): nothing on disk. */
export class MemoryPhotoStore implements PhotoStore {
  readonly kind = 'memory';
  readonly bytes = new Map<string, Uint8Array>();
  async put(key: string, bytes: Uint8Array) { this.bytes.set(checkKey(key), bytes.slice()); }
  async get(key: string) { return this.bytes.get(checkKey(key)) ?? null; }
  async remove(key: string) { this.bytes.delete(checkKey(key)); }
}

/**
 * An S3-compatible bucket, requests signed with AWS Signature V4 (aws4fetch, which also signs the
 * body's SHA-256, so the store refuses a body changed on the way). A PUT that answers 200 is
 * stored whole: S3 has no half-written objects, so no temporary name is needed.
 */
export class S3PhotoStore implements PhotoStore {
  readonly kind = 's3';
  private readonly client: AwsClient;
  constructor(private readonly cfg: { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string; prefix: string }) {
    this.client = new AwsClient({ accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey, service: 's3', region: cfg.region });
  }

  private url(key: string) {
    return `${this.cfg.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(this.cfg.bucket)}/${this.cfg.prefix}${checkKey(key)}`;
  }

  private async fail(what: string, key: string, res: Response): Promise<never> {
    const body = (await res.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
    throw new Error(`S3 ${what} ${this.cfg.bucket}/${this.cfg.prefix}${key}: ${res.status} ${body}`);
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const res = await this.client.fetch(this.url(key), { method: 'PUT', body: bytes.slice(), headers: { 'content-type': 'application/octet-stream' } });
    if (!res.ok) await this.fail('PUT', key, res);
    await res.arrayBuffer();
  }

  async get(key: string): Promise<Uint8Array | null> {
    const res = await this.client.fetch(this.url(key));
    if (res.status === 404) { await res.arrayBuffer(); return null; }
    if (!res.ok) await this.fail('GET', key, res);
    return new Uint8Array(await res.arrayBuffer());
  }

  async remove(key: string): Promise<void> {
    const res = await this.client.fetch(this.url(key), { method: 'DELETE' });
    if (!res.ok && res.status !== 404) await this.fail('DELETE', key, res);
    await res.arrayBuffer();
  }
}

export type PhotoStoreEnv = Pick<Env, 'DATA_DIR'> & Partial<Pick<Env, 'S3_BUCKET' | 'S3_ENDPOINT' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_PREFIX'>>;

/** The configured store: S3 when S3_BUCKET is set, else files under DATA_DIR/case-photos, or memory when DATA_DIR is ''. */
export function photoStoreFor(env: PhotoStoreEnv): PhotoStore {
  if (env.S3_BUCKET) {
    return new S3PhotoStore({ endpoint: env.S3_ENDPOINT!, bucket: env.S3_BUCKET, region: env.S3_REGION ?? 'us-east-1',
      accessKeyId: env.S3_ACCESS_KEY_ID!, secretAccessKey: env.S3_SECRET_ACCESS_KEY!, prefix: env.S3_PREFIX ?? 'case-photos/' });
  }
  return env.DATA_DIR ? new FilePhotoStore(join(env.DATA_DIR, 'case-photos')) : new MemoryPhotoStore();
}
