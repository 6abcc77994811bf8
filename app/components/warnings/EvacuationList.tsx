'use client';
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';

/** The city's evacuation warnings now (red first), for the public page. */
export function EvacuationList({ city }: { city: string }) {
  const { t, pick, date } = useI18n();
  const trpc = useTRPC();
  const ev = useQuery({ ...trpc.warnings.evacuation.queryOptions({ city }), refetchInterval: 30_000 });
  if (!ev.data) return null;
  return (
    <section className="panel warn-now" data-testid="warn-now">
      <h2>{t('warn.nowTitle')}</h2>
      {ev.data.grids.length === 0 ? <p className="small muted">{t('warn.nowNone')}</p> : (
        <ul>
          {ev.data.grids.map((g) => (
            <li key={g.code} className={`warn-${g.colour}`}>
              <b>{t(g.colour === 'red' ? 'warn.red' : 'warn.yellow')}</b> {g.code} · {t('warn.depth', { depth: g.depthCm })} · {t('warn.from', { time: date(g.fromAt) })}
              <div className="small muted">{pick(g.why)}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
