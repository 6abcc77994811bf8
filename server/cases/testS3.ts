// For tests: an S3-compatible server on loopback (s3rver, a dev dependency) with one bucket, kept
// in a temporary folder. It speaks S3's REST protocol (path-style bucket URLs, 404 NoSuchKey,
// DELETE 204) but, as its docs say, does not fully check V4 signatures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { S3PhotoStore } from './photoStore';

export interface TestS3 { store: S3PhotoStore; dir: string; close(): Promise<void> }

export async function startTestS3(bucket = 'twin-photos'): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), 'twin-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', directory: dir, silent: true, configureBuckets: [{ name: bucket }] });
  const addr = (await server.run()) as { port: number };
  const store = new S3PhotoStore({ endpoint: `http://127.0.0.1:${addr.port}`, bucket, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix: 'case-photos/' });
  return { store, dir, close: async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); } };
}
