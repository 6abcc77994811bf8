'use client';
import { FLOOD_DEPTH_CLASSES, floodClassOf } from '../../../models/floodDepth';
import type { KioskStorm } from '../../../models/kiosk';
import { PERSON_HEIGHT_M } from '../../../scene/person/personLayer';
import { useI18n, type MessageKey } from '../../i18n';
import type { Readout } from './useRise';

/** The water against a person's body, for visitors (a child understands "up to the knees"). */
function bodyWord(depthM: number): MessageKey | null {
  if (!(depthM >= 0.02)) return null;
  if (depthM < 0.08) return 'kiosk.body.feet';
  if (depthM < 0.3) return 'kiosk.body.ankle';
  if (depthM < 0.75) return 'kiosk.body.knee';
  if (depthM < 1.15) return 'kiosk.body.waist';
  if (depthM < PERSON_HEIGHT_M) return 'kiosk.body.chest';
  return 'kiosk.body.head';
}

const clock = (s: number) => `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;

/** the depth at the figure and the time in the storm, large */
export function FloodReadout({ readout, storm }: { readout: Readout; storm: KioskStorm | null }) {
  const { t, pick, num } = useI18n();
  if (!storm) return <div className="kiosk-readout" data-testid="kiosk-readout"><p>{t('kiosk.noStorms')}</p></div>;
  if (readout.error) return <div className="kiosk-readout" data-testid="kiosk-readout"><p>{t('kiosk.unavailable')}</p></div>;
  if (readout.loading || Number.isNaN(readout.t)) return <div className="kiosk-readout" data-testid="kiosk-readout"><p>{t('kiosk.loading')}</p></div>;
  const d = Math.max(0, readout.depthM || 0);
  const word = bodyWord(d);
  const cls = floodClassOf(d);
  return (
    <div className="kiosk-readout" data-testid="kiosk-readout" style={{ borderColor: cls >= 0 ? FLOOD_DEPTH_CLASSES[cls]!.color : undefined }}>
      <p className="k-storm">{pick(storm.label)}</p>
      <p className="k-depth">
        <span className="k-label">{t('kiosk.depth')}</span>
        <b data-testid="kiosk-depth">{word ? t('kiosk.cm', { n: num(d * 100) }) : t('kiosk.dry')}</b>
        {word && <span className="k-word">{t(word)}</span>}
      </p>
      {cls >= 0 && <p className="k-class"><i style={{ background: FLOOD_DEPTH_CLASSES[cls]!.color }} />{pick(FLOOD_DEPTH_CLASSES[cls]!)}</p>}
      <p className="k-time" data-testid="kiosk-time">{t('kiosk.stormTime', { t: clock(readout.t) })}</p>
      <p className="k-person">{t('kiosk.person')}</p>
    </div>
  );
}

/** two or three storms by their friendly names */
export function StormPicker({ storms, chosen, onChoose }: { storms: KioskStorm[]; chosen: KioskStorm | null; onChoose: (i: number) => void }) {
  const { t, pick } = useI18n();
  if (storms.length < 2) return null;
  return (
    <div className="kiosk-storms" role="radiogroup" aria-label={t('kiosk.storm')}>
      <span className="k-label">{t('kiosk.storm')}</span>
      {storms.map((s, i) => (
        <button key={s.runId} type="button" role="radio" aria-checked={s === chosen} className={`k-btn${s === chosen ? ' on' : ''}`} data-testid={`kiosk-storm-${i}`} onClick={() => onChoose(i)}>
          {pick(s.label)}
        </button>
      ))}
    </div>
  );
}
