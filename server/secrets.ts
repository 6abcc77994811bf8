import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { join } from 'node:path';

/** The token the README once printed: anyone can read it, so it never guards a reachable server. */
export const WELL_KNOWN_INGEST_TOKEN = 'twin-local-ingest-token';
/** Where a generated token is kept (readable by the owner only). */
export const TOKEN_FILE = 'ingest-token';

/**
 * Constant-time comparison of a presented secret with the expected one. Both sides are hashed
 * first, so neither the content nor the length of the expected token leaks through timing.
 */
export function tokensEqual(presented: string | Buffer | null | undefined, expected: string): boolean {
  if (presented === null || presented === undefined) return false;
  const digest = (s: string | Buffer) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The bearer token of an Authorization header, or null. */
export function bearerToken(header: string | undefined): string | null {
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
}

/** Whether a listen address is reachable only from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

export interface ResolvedToken {
  token: string;
  /** where it came from; 'generated' means it was just created and should be shown once */
  origin: 'env' | 'file' | 'generated';
  file?: string;
}

/**
 * The ingest token for this server: INGEST_TOKEN when set (the well-known one is refused when the
 * server listens beyond loopback), else the one stored under DATA_DIR, else a new random one
 * written there with mode 0600. The caller prints a generated token once.
 */
export function resolveIngestToken(env: { INGEST_TOKEN?: string; HOST: string; DATA_DIR: string }): ResolvedToken {
  if (env.INGEST_TOKEN !== undefined) {
    if (env.INGEST_TOKEN === WELL_KNOWN_INGEST_TOKEN && !isLoopback(env.HOST)) {
      throw new Error(`INGEST_TOKEN is the well-known example token and HOST=${env.HOST} listens beyond this machine: `
        + 'set a secret INGEST_TOKEN, unset it (a random one is generated under DATA_DIR), or set HOST=127.0.0.1');
    }
    return { token: env.INGEST_TOKEN, origin: 'env' };
  }
  const file = join(env.DATA_DIR, TOKEN_FILE);
  try {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 16) {
      // keep it the owner's only, even if someone loosened it
      if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
      return { token, origin: 'file', file };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(env.DATA_DIR, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // the umask may have narrowed, never widened, but be explicit
  return { token, origin: 'generated', file };
}
