'use client';
import { ForecastInfo } from '../../../models/forecastInfo';
import { useI18n } from '../../i18n';

/** Above the editor of a forecast scenario: where it started (models/forecastInfo.ts). */
export function ForecastSummary({ doc }: { doc: Record<string, unknown> }) {
  const { t, num, date } = useI18n();
  const f = ForecastInfo.safeParse(doc.forecast);
  if (!f.success) return null;
  const info = f.data;
  const mins = Math.round(info.nowS / 60);
  const bodies = info.bodies
    .map((b) => `${t('fc.body', { n: b.index + 1 })} ${b.minLevelM === b.maxLevelM ? num(b.minLevelM, 2) : `${num(b.minLevelM, 2)}–${num(b.maxLevelM, 2)}`} m${b.source === 'normal' ? ` (${t('fc.normalShort')})` : ` (${t('fc.gaugesShort', { n: b.gauges })})`}`)
    .join(', ');
  const ponding = info.gauges.filter((g) => g.use === 'ponding').length;
  return (
    <div className="fc-summary small" data-testid="forecast-summary">
      <p><span className="fc-badge">{t('fc.badge')}</span> {t('fc.summary', { made: date(info.madeAt), now: `${mins} min` })}</p>
      <p>{t('fc.summaryWater', { bodies })}</p>
      {ponding > 0 && <p>{t('fc.summaryPonding', { n: ponding })}</p>}
      <p>{t('fc.summaryObserved', { obs: info.observedRows, fc: info.forecastRows })}</p>
    </div>
  );
}
