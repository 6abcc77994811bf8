'use client';
import { useSyncExternalStore } from 'react';
import type { TwinEngine } from '../../scene/TwinEngine';

const noop = () => () => {};
/** Re-renders when the engine reports a change (status tick, selection, layers, live frames). */
export function useEngineVersion(engine: TwinEngine | null): number {
  return useSyncExternalStore(engine ? engine.subscribe : noop, engine ? engine.getVersion : () => 0, () => 0);
}
