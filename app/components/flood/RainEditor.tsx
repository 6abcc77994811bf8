'use client';
import { useMemo, useState } from 'react';
import { zhengzhouTable } from '../../../models/runs';
import type { ScenarioInput } from '../../../models/scenario';
import { BEIJING_PEAK_COEFFICIENT } from '../../../models/storm';
import { useI18n } from '../../i18n';
import { Chart } from './Chart';
import { Field, NumField } from './fields';
import { getIn, type Doc } from './doc';
import { rainSeries } from './hyetograph';

type Rain = NonNullable<ScenarioInput['rainfall']>;
type TableRow = { time: number; rainMmPerH: number };
export type RainMode = 'design' | 'table' | 'constant';

/** The editor's rain type: a one-row table from time 0 is a constant rate (how it is stored). */
export function rainModeOf(r: Rain | undefined): RainMode {
  if (!r || r.type === 'design') return 'design';
  return r.table.length === 1 && r.table[0]!.time === 0 ? 'constant' : 'table';
}

const DESIGN: Rain = { type: 'design', formula: 'beijing', returnPeriodYears: 10, durationMin: 120, peakCoefficient: BEIJING_PEAK_COEFFICIENT, stepMin: 5 };

/** The Zhengzhou 20 July 2021 day, ended by a dry row at midnight (the last rate would hold on). */
const zhengzhou = (): TableRow[] => [...zhengzhouTable(), { time: 86_400, rainMmPerH: 0 }];

export function RainEditor({ draft, set }: { draft: Doc; set(path: string, v: unknown): void }) {
  const { t, num } = useI18n();
  const rain = draft.rainfall as Rain | undefined;
  const drainage = draft.drainage as { returnPeriodYears?: number; formula?: unknown } | undefined;
  const [mode, setMode] = useState<RainMode>(() => rainModeOf(rain));
  const duration = getIn(draft, 'duration') as number;
  const series = useMemo(() => rainSeries(rain, duration), [rain, duration]);

  const switchTo = (m: RainMode) => {
    setMode(m);
    if (m === 'design') set('rainfall', rain?.type === 'design' ? rain : DESIGN);
    else if (m === 'constant') {
      // the mean rate of the storm drawn now, so the total stays about the same
      const hours = Number.isFinite(duration) && duration > 0 ? duration / 3600 : 1;
      set('rainfall', { type: 'table', table: [{ time: 0, rainMmPerH: Math.round((series?.totalMm ?? 0) / hours) || 50 }] });
    } else {
      // the storm drawn now becomes the table to edit, so switching loses nothing
      const rows: TableRow[] = series && series.blocks.length > 1
        ? [...series.blocks.map((b) => ({ time: b.start, rainMmPerH: +b.rainMmPerH.toFixed(2) })), { time: series.blocks[series.blocks.length - 1]!.end, rainMmPerH: 0 }]
        : zhengzhou();
      set('rainfall', { type: 'table', table: rows });
    }
    if (m !== 'design' && drainage && 'returnPeriodYears' in drainage && !drainage.formula) {
      // pipes designed for a return period need a storm formula; a table has none of its own
      set('drainage.formula', 'beijing');
    }
  };

  const rows = rain?.type === 'table' ? rain.table : [];
  const setRows = (next: TableRow[]) => set('rainfall', { type: 'table', table: next });
  const end = Math.max(Number.isFinite(duration) ? duration : 0, series?.blocks.at(-1)?.end ?? 0);
  const peak = series ? Math.max(0, ...series.blocks.map((b) => b.rainMmPerH)) : 0;
  const cum = useMemo(() => {
    if (!series) return { xs: [], ys: [] };
    const xs = [0], ys = [0];
    let mm = 0;
    for (const b of series.blocks) { mm += (b.rainMmPerH * (b.end - b.start)) / 3600; xs.push(b.end); ys.push(mm); }
    return { xs, ys };
  }, [series]);

  return (
    <>
      <Field path="rainfall.type" label={t('rain.type')} wide>
        <select data-testid="rain-type" value={mode} onChange={(e) => switchTo(e.target.value as RainMode)}>
          <option value="design">{t('rain.design')}</option>
          <option value="table">{t('rain.table')}</option>
          <option value="constant">{t('rain.constant')}</option>
        </select>
      </Field>
      {mode === 'design' && rain?.type === 'design' && (
        <>
          <p className="sf-note wide">{t('rain.formula')}</p>
          <Field path="rainfall.returnPeriodYears" label={t('rain.returnPeriod')} unit={t('unit.years')}>
            <NumField testId="return-period" min={1} max={1000} step={1} value={rain.returnPeriodYears} onChange={(v) => set('rainfall.returnPeriodYears', v)} />
          </Field>
          <Field path="rainfall.durationMin" label={t('rain.duration')} unit={t('unit.min')}>
            <NumField testId="duration-min" min={1} step={5} value={rain.durationMin} onChange={(v) => set('rainfall.durationMin', v)} />
          </Field>
          <Field path="rainfall.peakCoefficient" label={t('rain.peak')}>
            <NumField min={0} max={1} step={0.005} value={rain.peakCoefficient} onChange={(v) => set('rainfall.peakCoefficient', v)} />
          </Field>
          <Field path="rainfall.stepMin" label={t('rain.step')} unit={t('unit.min')}>
            <NumField min={1} step={1} value={rain.stepMin ?? 1} onChange={(v) => set('rainfall.stepMin', v)} />
          </Field>
        </>
      )}
      {mode === 'constant' && rain?.type === 'table' && (
        <Field path="rainfall.table.0.rainMmPerH" label={t('rain.rate')} unit="mm/h">
          <NumField min={0} value={rows[0]?.rainMmPerH} onChange={(v) => set('rainfall.table.0.rainMmPerH', v)} />
        </Field>
      )}
      {mode === 'table' && rain?.type === 'table' && (
        <div className="wide">
          <div className="sf-row-actions">
            <button type="button" className="btn small" onClick={() => setRows(zhengzhou())} data-testid="rain-preset-zhengzhou">{t('rain.zhengzhou')}</button>
            <button type="button" className="btn small" onClick={() => setRows([...rows, { time: (rows.at(-1)?.time ?? -3600) + 3600, rainMmPerH: 0 }])}>+ {t('rain.addRow')}</button>
          </div>
          <Field path="rainfall.table" label={t('rain.tableHead')} wide>
            <div className="rain-table">
              <table>
                <thead><tr><th>{t('rain.rowTime')}</th><th>mm/h</th><th /></tr></thead>
                <tbody>
                  {rows.map((r, k) => (
                    <tr key={k}>
                      <td><NumField ariaLabel={t('rain.rowTime')} min={0} scale={60} value={r.time} onChange={(v) => set(`rainfall.table.${k}.time`, v)} /></td>
                      <td><NumField ariaLabel="mm/h" min={0} value={r.rainMmPerH} onChange={(v) => set(`rainfall.table.${k}.rainMmPerH`, v)} /></td>
                      <td><button type="button" className="icon-btn" aria-label={t('list.remove')} disabled={rows.length <= 1} onClick={() => setRows(rows.filter((_, j) => j !== k))}>×</button></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Field>
        </div>
      )}
      <div className="wide hyeto" data-testid="hyetograph" data-total-mm={series ? series.totalMm.toFixed(1) : ''}>
        {series ? (
          <>
            <Chart
              label={t('rain.chartAria')} xMax={end} yMax={peak * 1.05} yFormat={(v) => num(v)} bars={series.blocks.map((b) => ({ x0: b.start, x1: b.end, y: b.rainMmPerH }))}
              right={{ max: Math.max(1, cum.ys.at(-1) ?? 0) * 1.05, format: (v) => num(v), line: { ...cum, color: '#fab005' } }}
              marks={Number.isFinite(duration) && duration < end ? [{ x: duration, color: '#ff6b6b' }] : []}
            />
            <p className="muted small chart-key">
              <span className="key bar" /> mm/h <span className="key cum" /> {t('rain.cumulative')}
              {' · '}<strong>{t('rain.total', { mm: num(series.totalMm, 1) })}</strong>
              {series.seriesMm > series.totalMm + 0.05 && <span className="warn-text">{t('rain.beyond', { mm: num(series.seriesMm, 1) })}</span>}
              {' · '}{t('rain.peakHour', { mm: num(series.peakHourMm, 1) })}
            </p>
          </>
        ) : <p className="muted small">{t('rain.incomplete')}</p>}
      </div>
    </>
  );
}
