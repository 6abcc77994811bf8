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

/** kernel.wat compiled (once per process) with the SIMD and threads features. */
export function wasmModule(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const wabt = await wabtInit();
    const text = readFileSync(new URL('./kernel.wat', import.meta.url), 'utf8');
    const m = wabt.parseWat('kernel.wat', text, { simd: true, threads: true });
    try {
      m.resolveNames();
      const { buffer } = m.toBinary({});
      return await WebAssembly.compile(Uint8Array.from(buffer));
    } finally {
      m.destroy();
    }
  })();
  return compiled;
}

/** The WASM module, or null where it cannot be built or run (no SIMD, no shared memory). */
export async function tryWasmModule(): Promise<WebAssembly.Module | null> {
  try {
    return await wasmModule();
  } catch {
    return null;
  }
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
