'use client';
import { useSyncExternalStore } from 'react';
import type { TwinEngine } from '../../scene/TwinEngine';

const noop = () => () => {};
/** Re-renders when the engine reports a change (status tick, selection, layers, live frames). */
export function useEngineVersion(engine: TwinEngine | null): number {
  return useSyncExternalStore(engine ? engine.subscribe : noop, engine ? engine.getVersion : () => 0, () => 0);
}

/**
 * Re-renders only when `select(engine)` changes (a primitive): for parts that need one fact of
 * the engine, not every status tick and live frame.
 */
export function useEngineSelector<T extends string | number | boolean | null | undefined>(engine: TwinEngine | null, select: (e: TwinEngine) => T): T | undefined {
  return useSyncExternalStore(engine ? engine.subscribe : noop, () => (engine ? select(engine) : undefined), () => undefined);
}
