'use client';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { EvacuationState } from '../../../models/warnings';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { acquirePageSocket, releasePageSocket } from '../../../scene/core/pageSocket';
import type { EvacuationLayer } from '../../../scene/evacuation/evacuationLayer';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { useEngineSelector } from '../useEngine';

/**
 * The city's evacuation colours in the twin: the current ones from tRPC warnings.evacuation, then
 * each change from the socket.io event (room evacuation:<city>, on the page's shared socket),
 * handed to scene/evacuation. A
 * legend names the red grids while there are any (legend={false}: the layer only).
 */
export function EvacuationFeed({ city, engine, legend = true }: { city: string; engine: TwinEngine | null; legend?: boolean }) {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const first = useQuery({ ...trpc.warnings.evacuation.queryOptions({ city }), retry: false });
  const [pushed, setPushed] = useState<EvacuationState | null>(null);
  const state = pushed && (!first.data || pushed.updatedAt >= first.data.updatedAt) ? pushed : first.data ?? null;
  const ready = useEngineSelector(engine, (e) => e.status.phase === 'ready') ?? false;

  useEffect(() => {
    // the page's shared socket (run frames use it too); the room is per connection: joined again after a reconnect
    let gone = false, off = () => {};
    void acquirePageSocket().then((sock) => {
      if (gone) return;
      const join = () => { sock.emit('evacuationWatch', { city }); void first.refetch(); };
      const onState = (s: EvacuationState) => { if (s.city === city) setPushed(s); };
      sock.on('connect', join);
      sock.on('evacuation', onState);
      if (sock.connected) join();
      off = () => { sock.off('connect', join); sock.off('evacuation', onState); };
    });
    return () => { gone = true; off(); releasePageSocket(0); };
    // first.refetch is stable enough; only the city joins again
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [city]);

  useEffect(() => {
    if (!ready || !engine || !state) return;
    engine.layer<EvacuationLayer>('evacuation')?.api.set(state.grids.map((g) => ({ index: g.index, colour: g.colour })));
  }, [ready, engine, state]);

  const red = state?.grids.filter((g) => g.colour === 'red') ?? [];
  // the cockpit counts red grids on its own card, in its own language
  if (!red.length || !legend) return null;
  return (
    <div className="evac-legend" data-testid="evac-legend">
      <b>{t('warn.legend')} · {t('warn.red')} ({red.length})</b>
      {red.slice(0, 3).map((g) => <div key={g.code}>{g.code} · {t('warn.depth', { depth: g.depthCm })}<div className="small">{pick(g.why)}</div></div>)}
      {red.length > 3 && <div>+{red.length - 3}</div>}
    </div>
  );
}
