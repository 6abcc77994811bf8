// Test helper: two runs of one problem gave the same result, bit for bit.
import { expect } from 'vitest';
import type { RunResult } from './runner';

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export function expectSameRun(b: RunResult, a: RunResult) {
  expect(b.steps).toBe(a.steps);
  expect(bytes(b.depth).equals(bytes(a.depth))).toBe(true);
  expect(bytes(b.maxDepth).equals(bytes(a.maxDepth))).toBe(true);
  expect(bytes(b.timeOfMax).equals(bytes(a.timeOfMax))).toBe(true);
  for (const k of ['0.15', '0.2', '0.27'] as const) expect(bytes(b.firstAbove[k]).equals(bytes(a.firstAbove[k]))).toBe(true);
  expect(b.volumes).toEqual(a.volumes);
  expect(b.probes).toEqual(a.probes);
}
