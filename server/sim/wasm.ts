// The flood kernels a thread steps its band of rows with: the JavaScript kernel (kernel.ts, the
// reference for tests) or the WebAssembly SIMD kernel (kernel.wat), compiled at run time from
// its text with wabt and cached. Both are pure: they only read and write the grid's memory.
import { readFileSync } from 'node:fs';
import wabtInit from 'wabt';
import { depths, edgeDepths, edgeFaces, fluxes, type Grid, type StepParams } from './kernel';

export type KernelName = 'js' | 'wasm-simd';

/** One thread's kernel: phase 1 and phase 2 of a step for rows [r0, r1). */
export interface BandKernel {
  name: KernelName;
  fluxes(p: StepParams, r0: number, r1: number): void;
  /** returns the band's largest depth */
  depths(p: StepParams, r0: number, r1: number): number;
}

/** The WAT kernel needs rows of at least 5 cells (its last 4-wide chunk overlaps the one before). */
export const WASM_MIN_COLS = 5;

let compiled: Promise<WebAssembly.Module> | undefined;

/** WAT text compiled with the SIMD and threads features; a parse or validation error throws, with wabt's message. */
export async function compileWat(text: string, name = 'kernel.wat'): Promise<WebAssembly.Module> {
  const wabt = await wabtInit();
  const m = wabt.parseWat(name, text, { simd: true, threads: true });
  try {
    m.resolveNames();
    const { buffer } = m.toBinary({});
    return await WebAssembly.compile(Uint8Array.from(buffer));
  } finally {
    m.destroy();
  }
}

/** kernel.wat compiled (once per process). */
export function wasmModule(): Promise<WebAssembly.Module> {
  compiled ??= compileWat(readFileSync(new URL('./kernel.wat', import.meta.url), 'utf8')).catch((e: unknown) => {
    throw new Error(`kernel.wat does not compile: ${(e as Error)?.message ?? String(e)}`);
  });
  return compiled;
}

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)), as wasm-feature-detect tests SIMD
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** Why this runtime cannot run the WASM kernel (no SIMD, no shared memory), or null when it can. */
export function wasmUnsupported(): string | null {
  if (typeof SharedArrayBuffer !== 'function') return 'no SharedArrayBuffer';
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'no shared WebAssembly memory';
  }
  return WebAssembly.validate(SIMD_PROBE) ? null : 'no WebAssembly SIMD';
}

/**
 * The WASM module, or null where the runtime cannot run it (wasmUnsupported). A kernel.wat that
 * does not compile is a bug, not a missing feature: that error is thrown, never taken for null.
 */
export async function tryWasmModule(): Promise<WebAssembly.Module | null> {
  if (wasmUnsupported()) return null;
  return wasmModule();
}

export function jsBand(g: Grid): BandKernel {
  const scratch = new Float32Array(g.cols);
  return {
    name: 'js',
    fluxes: (p, r0, r1) => fluxes(g, p, r0, r1, scratch),
    depths: (p, r0, r1) => depths(g, p, r0, r1),
  };
}

interface WasmExports {
  init(...a: number[]): void;
  fluxes(r0: number, r1: number, dt: number, dx: number, theta: number, hMin: number, scratch: number): void;
  depths(r0: number, r1: number, dt: number, dx: number, t: number, rain: number, sink: number, vol: number): number;
}

/**
 * A thread's instance of the WASM kernel on the shared memory the grid lives in. scratchAt: a
 * byte offset in that memory with room for one row (cols floats) that only this thread uses.
 */
export function wasmBand(mod: WebAssembly.Module, memory: WebAssembly.Memory, g: Grid, scratchAt: number): BandKernel {
  if (g.z.buffer !== memory.buffer) throw new Error('wasmBand: the grid must live in the kernel memory');
  if (g.cols < WASM_MIN_COLS) throw new Error(`wasmBand: needs at least ${WASM_MIN_COLS} columns`);
  const ex = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as WasmExports;
  ex.init(
    g.cols, g.rows, g.z.byteOffset, g.h.byteOffset, g.gn2.byteOffset, g.qx[0].byteOffset, g.qx[1].byteOffset,
    g.qy[0].byteOffset, g.qy[1].byteOffset, g.f.byteOffset, g.hmax.byteOffset, g.tmax.byteOffset,
    g.t15.byteOffset, g.t20.byteOffset, g.t27.byteOffset, g.rowSink.byteOffset,
  );
  const vol = g.dx * g.dx;
  return {
    name: 'wasm-simd',
    fluxes(p, r0, r1) {
      edgeFaces(g, p, r0, r1);
      ex.fluxes(r0, r1, p.dt, g.dx, p.theta, p.hMin, scratchAt);
    },
    depths(p, r0, r1) {
      const hm = ex.depths(r0, r1, p.dt, g.dx, p.t, p.rain, p.sink, vol);
      edgeDepths(g, p, r0, r1);
      return hm;
    },
  };
}
