// Seeded randomness and noise for the generator: pure, no Math.random, so a seed gives one city.
// ---------------------------------------------------------------------------------------------
// Seeded PRNG: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), one independent
// stream per phase so that tuning one phase does not reshuffle the others.

export type Rng = () => number;

export function hashString(s: string): number {
  let h = 2166136261 >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function sfc32(a: number, b: number, c: number, d: number): Rng {
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

export function makeRng(seed: number, stream: string): Rng {
  const h = hashString(stream);
  const r = sfc32(seed >>> 0, h, (Math.imul(seed | 0, 0x9e3779b1) ^ 0x85ebca6b) >>> 0, (h ^ 0xdeadbeef) >>> 0);
  for (let i = 0; i < 16; i++) r();
  return r;
}

export const rand = (r: Rng, a: number, b: number) => a + (b - a) * r();
export const randInt = (r: Rng, a: number, b: number) => a + Math.floor((b - a + 1) * r());
export const chance = (r: Rng, p: number) => r() < p;

// ---------------------------------------------------------------------------------------------
// Value noise (hash lattice, smoothstep), for terrain and zoning.

export function hash2(ix: number, iy: number, seed: number): number {
  let h = (Math.imul(ix, 374761393) + Math.imul(iy, 668265263) + Math.imul(seed, 1442695041)) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** smooth value noise in [-1, 1] */
export function valueNoise(x: number, y: number, seed: number): number {
  const ix = Math.floor(x), iy = Math.floor(y);
  const fx = x - ix, fy = y - iy;
  const ux = fx * fx * (3 - 2 * fx), uy = fy * fy * (3 - 2 * fy);
  const a = hash2(ix, iy, seed), b = hash2(ix + 1, iy, seed), c = hash2(ix, iy + 1, seed), d = hash2(ix + 1, iy + 1, seed);
  return 2 * (a + (b - a) * ux + (c - a) * uy + (a - b - c + d) * ux * uy) - 1;
}

