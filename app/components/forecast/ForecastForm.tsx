'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { parseRainTable } from '../../../models/forecast';
import type { ForecastNow } from '../../../models/forecastInfo';
import type { ScenarioRecord } from '../../../models/runs';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';

const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;

/**
 * "Start from now": where the city stands (the level gauges' readings, the water levels they give
 * each river and pond), the duty officer's rain table (typed or pasted), the horizon; creates a
 * forecast scenario (scenario.createForecast) that is then run like any other.
 */
export function ForecastForm({ city, onCreated, onClose }: { city: string; onCreated(r: ScenarioRecord): void; onClose(): void }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const now = useQuery({ ...trpc.scenario.forecastNow.queryOptions({ city }), refetchInterval: 30_000 });
  const [opened] = useState(() => new Date());
  const [text, setText] = useState('');
  const [horizonH, setHorizonH] = useState(3);
  const [name, setName] = useState(() => t('fc.defaultName', { time: hhmm(opened) }));
  const table = useMemo(() => parseRainTable(text, new Date()), [text]);
  const create = useMutation(trpc.scenario.createForecast.mutationOptions({ onSuccess: onCreated }));
  const observed = table.rows.filter((r) => r.minutes < 0).length;
  const ok = text.trim() !== '' && table.issues.length === 0 && name.trim() !== '' && horizonH >= 0.5 && horizonH <= 48;
  return (
    <section className="fc" data-testid="forecast-form">
      <div className="lib-head">
        <h3>{t('fc.title')}</h3>
        <button type="button" className="btn small ghost" onClick={onClose}>{t('fc.close')}</button>
      </div>
      {now.data && <WaterNow now={now.data} />}
      {now.isError && <p className="error small">{now.error.message}</p>}
      <p className="small muted">{t('fc.noRainGauge')}</p>
      <label className="fc-field">
        <span>{t('fc.table')}</span>
        <textarea data-testid="forecast-table" rows={6} value={text} spellCheck={false} placeholder={'-60 12\n-30 25\n0 40\n30 60\n90 10\n150 0'}
          onChange={(e) => setText(e.target.value)} />
      </label>
      <p className="small muted">{t('fc.tableHelp')}</p>
      {text.trim() !== '' && (table.issues.length
        ? <ul className="issues" data-testid="forecast-issues">{table.issues.map((i) => <li key={i.line}>{t('fc.line', { line: i.line, message: i.message })}</li>)}</ul>
        : <p className="small" data-testid="forecast-rows">{t('fc.rows', { obs: observed, fc: table.rows.length - observed })}</p>)}
      <div className="fc-row">
        <label className="fc-field"><span>{t('fc.horizon')}</span>
          <input type="number" min={0.5} max={48} step={0.5} value={horizonH} data-testid="forecast-horizon" onChange={(e) => setHorizonH(Number(e.target.value))} />
        </label>
        <label className="fc-field grow"><span>{t('fc.name')}</span>
          <input type="text" maxLength={120} value={name} data-testid="forecast-name" onChange={(e) => setName(e.target.value)} />
        </label>
      </div>
      <p className="small muted">{t('fc.rule')}</p>
      <button type="button" className="btn primary" data-testid="forecast-create" disabled={!ok || create.isPending}
        onClick={() => create.mutate({ city, name: name.trim(), rows: table.rows, horizonH })}>
        {create.isPending ? t('fc.creating') : t('fc.create')}
      </button>
      {create.isError && <p className="error small">{create.error.message}</p>}
    </section>
  );
}

/** The water a forecast made now starts from. */
function WaterNow({ now }: { now: ForecastNow }) {
  const { t, num } = useI18n();
  const street = now.gauges.filter((g) => g.use !== 'body');
  const wet = street.filter((g) => g.use === 'ponding');
  const maxWet = wet.reduce((m, g) => Math.max(m, g.depthM), 0);
  return (
    <div className="fc-now" data-testid="forecast-now">
      <h4>{t('fc.now', { time: hhmm(new Date(now.madeAt)) })}</h4>
      <ul>
        {now.bodies.map((b) => (
          <li key={b.index} data-testid="forecast-body" data-source={b.source}>
            <span>{t('fc.body', { n: b.index + 1 })}</span>{' '}
            <span className="mono">{b.source === 'normal'
              ? t('fc.bodyNormal', { level: num(b.minLevelM, 2) })
              : t('fc.bodyGauges', {
                level: b.minLevelM === b.maxLevelM ? num(b.minLevelM, 2) : `${num(b.minLevelM, 2)}–${num(b.maxLevelM, 2)}`,
                count: b.gauges, interp: b.gauges > 1 ? t('fc.bodyInterp') : '',
              })}</span>
          </li>
        ))}
      </ul>
      <p className="small" data-testid="forecast-ponding">{t('fc.ponding', { wet: wet.length, max: num(maxWet, 2), dry: street.length - wet.length })}</p>
      {now.silentGauges > 0 && <p className="small muted">{t('fc.silent', { n: now.silentGauges })}</p>}
    </div>
  );
}
