// Password hashing with node's scrypt (RFC 7914): a random salt per password, the parameters
// stored beside the hash so they can be raised later, a constant-time compare on verify.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// N = 2^15, r = 8, p = 1: OWASP's minimum for scrypt (32 MiB, about 50-100 ms here).
const N = 1 << 15, R = 8, P = 1, KEYLEN = 32;

function derive(password: string, salt: Buffer, opts: ScryptOptions & { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem above 128 N r, which is node's default limit exactly at these parameters
    scrypt(password.normalize('NFKC'), salt, KEYLEN, { ...opts, maxmem: 256 * opts.N * opts.r }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash` (base64) */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const want = Buffer.from(hash, 'base64');
  const got = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * A hash of a password nobody has, verified against when the name is unknown, so a sign-in for
 * a missing account takes as long as one for an existing account (no user enumeration by time).
 */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(18).toString('base64')));
}

/** A random token for cookies and setup links (256 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}
