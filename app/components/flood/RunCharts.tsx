'use client';
import { useQuery } from '@tanstack/react-query';
import type { RunRecord } from '../../../models/runs';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/zh';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { useTRPC } from '../../trpc';
import { useEngineSelector } from '../useEngine';
import { or0 } from './format';
import { Chart } from './Chart';
import { useRunRain } from './useRunRain';

const PROBE_COLOURS = ['#66e0ff', '#fab005', '#b197fc', '#63e6be', '#ff8787', '#74c0fc'];

// summary.json's volume keys (server/sim/cli-simulate.ts summaryOf): in, out, stored
const IN = ['rain_m3', 'inflow_m3'];
const OUT = ['drainage_m3', 'infiltration_m3', 'pumped_m3', 'outflow_m3'];
const VOLUME_KEY: Record<string, MessageKey> = {
  rain_m3: 'vol.rain', inflow_m3: 'vol.inflow', drainage_m3: 'vol.drainage', infiltration_m3: 'vol.infiltration', pumped_m3: 'vol.pumped',
  outflow_m3: 'vol.outflow', storedStart_m3: 'vol.storedStart', storedEnd_m3: 'vol.storedEnd', balanceError_m3: 'vol.error',
};

/** A finished run's charts: its rain, the probes' depth hydrographs, and where the water went. */
export function RunCharts({ run, engine }: { run: RunRecord; engine: TwinEngine | null }) {
  const { t, num } = useI18n();
  // the time on the map, read here so a moving slider redraws the charts, not the impact table
  const cursor = useEngineSelector(engine, (e) => or0(e.flood?.time())) ?? 0;
  const trpc = useTRPC();
  const rain = useRunRain(run);
  const probes = useQuery({ ...trpc.run.probes.queryOptions({ id: run.id }), staleTime: Infinity });
  const v = run.summary?.volumes ?? {};
  const duration = run.progress?.duration ?? 0;
  const maxVol = Math.max(1, ...Object.entries(v).filter(([k]) => k.endsWith('_m3') && k !== 'balanceError_m3').map(([, x]) => Math.abs(x)));
  const bar = (k: string, cls: string) => (v[k] === undefined ? null : (
    <tr key={k}>
      <td>{VOLUME_KEY[k] ? t(VOLUME_KEY[k]) : k}</td>
      <td className="num">{num(v[k]!, 0)}</td>
      <td className="bar"><span className={cls} style={{ width: `${(100 * Math.abs(v[k]!)) / maxVol}%` }} /></td>
    </tr>
  ));
  const maxDepth = Math.max(0.3, ...(probes.data ?? []).flatMap((p) => p.depth));
  return (
    <div className="run-charts" data-testid="run-charts">
      <h4>{t('charts.rain')}</h4>
      {rain ? (
        <>
          <Chart label={t('rain.chartAria')} xMax={Math.max(duration, rain.blocks.at(-1)?.end ?? 0)} yMax={Math.max(1, ...rain.blocks.map((b) => b.rainMmPerH)) * 1.05}
            yFormat={(x) => num(x)} bars={rain.blocks.map((b) => ({ x0: b.start, x1: b.end, y: b.rainMmPerH }))} cursor={cursor} height={70} />
          <p className="muted small">{t('rain.total', { mm: num(rain.totalMm, 1) })} · {t('rain.peakHour', { mm: num(rain.peakHourMm, 1) })}</p>
        </>
      ) : <p className="muted small">{t('inspector.loading')}</p>}
      <h4>{t('charts.probes')}</h4>
      {probes.isError && <p className="error small">{probes.error.message}</p>}
      {probes.data && probes.data.length === 0 && <p className="muted small">{t('charts.noProbes')}</p>}
      {probes.data && probes.data.length > 0 && (
        <div data-testid="probe-chart">
          <Chart label={t('charts.probes')} xMax={duration || Math.max(...probes.data.map((p) => p.time.at(-1) ?? 0))} yMax={maxDepth * 100 * 1.05}
            yFormat={(x) => `${num(x)}`} cursor={cursor}
            levels={[15, 20, 27].map((cm) => ({ y: cm, color: cm === 27 ? '#ff4b3e' : cm === 20 ? '#f2c230' : '#3b8cff', label: `${cm}` }))}
            lines={probes.data.map((p, k) => ({ key: p.name, xs: p.time, ys: p.depth.map((d) => d * 100), color: PROBE_COLOURS[k % PROBE_COLOURS.length]! }))} />
          <p className="chart-key small">
            {probes.data.map((p, k) => (
              <span key={p.name}><span className="key" style={{ background: PROBE_COLOURS[k % PROBE_COLOURS.length] }} /> {p.name} · {t('charts.max', { cm: num(Math.max(0, ...p.depth) * 100, 0) })}</span>
            ))}
            <span className="muted">cm</span>
          </p>
        </div>
      )}
      <h4>{t('charts.volumes')}</h4>
      {run.summary ? (
        <table className="counts-table volumes" data-testid="volume-balance">
          <tbody>
            {IN.map((k) => bar(k, 'in'))}
            {OUT.map((k) => bar(k, 'out'))}
            {bar('storedStart_m3', 'stored')}
            {bar('storedEnd_m3', 'stored')}
            <tr className="total">
              <td>{t('vol.error')}</td>
              <td className="num">{num(v.balanceError_m3 ?? 0, 1)}</td>
              <td className="muted small">{v.balanceRelativeError !== undefined ? `${num(v.balanceRelativeError * 100, 4)} %` : ''}</td>
            </tr>
          </tbody>
        </table>
      ) : <p className="muted small">{t('charts.noSummary')}</p>}
      <p className="muted small">{t('charts.volNote')}</p>
    </div>
  );
}
