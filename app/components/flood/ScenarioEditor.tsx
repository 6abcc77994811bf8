'use client';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { useI18n } from '../../i18n';
import { Field, NumField, Section } from './fields';
import { getIn, type Doc } from './doc';
import { FacilityLists } from './FacilityLists';
import { RainEditor } from './RainEditor';

type DrainMode = 'none' | 'returnPeriod' | 'rate';
type InfMode = 'none' | 'constant' | 'horton';
type RiverMode = 'normal' | 'dry' | 'level';

/**
 * The scenario's fields as a planner names them. `draft` is the stored document as entered
 * (defaults left out); every field writes its own path, the path the validation reports.
 */
export function ScenarioEditor({ draft, name, setName, set, engine }: {
  draft: Doc; name: string; setName(n: string): void; set(path: string, v: unknown): void; engine: TwinEngine | null;
}) {
  const { t } = useI18n();
  const drainage = draft.drainage as Record<string, unknown> | undefined;
  const drainMode: DrainMode = !drainage ? 'none' : 'rainMmPerH' in drainage ? 'rate' : 'returnPeriod';
  const inf = draft.infiltration as { type?: string } | undefined;
  const infMode: InfMode = inf?.type === 'constant' ? 'constant' : inf?.type === 'horton' ? 'horton' : 'none';
  const initial = (draft.initialWater as { level?: number }[] | undefined) ?? [];
  const fill = getIn(draft, 'terrain.fillWater') !== false;
  const riverMode: RiverMode = initial.length > 0 ? 'level' : fill ? 'normal' : 'dry';

  const setRiver = (m: RiverMode) => {
    // the city's rivers at their normal level, dry, or every cell below one level wet
    set('terrain.fillWater', m === 'normal' ? undefined : false);
    set('initialWater', m === 'level' ? [{ level: initial[0]?.level ?? 0 }] : undefined);
  };

  return (
    <div className="scenario-editor">
      <Field path="name" label={t('editor.name')} wide>
        <input type="text" data-testid="scenario-name" value={name} maxLength={120} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Section title={t('editor.rain')}>
        <RainEditor draft={draft} set={set} />
      </Section>
      <Section title={t('editor.losses')}>
        <Field path="drainage" label={t('drain.mode')} wide>
          <select data-testid="drainage-mode" value={drainMode} onChange={(e) => {
            const m = e.target.value as DrainMode;
            set('drainage', m === 'none' ? undefined : m === 'rate' ? { rainMmPerH: 30 } : { returnPeriodYears: 2 });
          }}>
            <option value="returnPeriod">{t('drain.returnPeriod')}</option>
            <option value="rate">{t('drain.rate')}</option>
            <option value="none">{t('drain.none')}</option>
          </select>
        </Field>
        {drainMode === 'returnPeriod' && (
          <>
            <Field path="drainage.returnPeriodYears" label={t('drain.period')} unit={t('unit.years')}>
              <NumField min={0.1} step={1} value={drainage?.returnPeriodYears} onChange={(v) => set('drainage.returnPeriodYears', v)} />
            </Field>
            <Field path="drainage.concentrationMin" label={t('drain.concentration')} unit={t('unit.min')}>
              <NumField min={1} step={1} value={drainage?.concentrationMin ?? 15} onChange={(v) => set('drainage.concentrationMin', v)} />
            </Field>
          </>
        )}
        {drainMode === 'rate' && (
          <Field path="drainage.rainMmPerH" label={t('drain.capacity')} unit="mm/h">
            <NumField min={0} value={drainage?.rainMmPerH} onChange={(v) => set('drainage.rainMmPerH', v)} />
          </Field>
        )}
        <Field path="infiltration" label={t('inf.mode')} wide>
          <select value={infMode} onChange={(e) => {
            const m = e.target.value as InfMode;
            set('infiltration', m === 'none' ? undefined : m === 'constant' ? { type: 'constant', rateMmPerH: 5 } : { type: 'horton', f0MmPerH: 75, fcMmPerH: 10, kPerH: 4 });
          }}>
            <option value="none">{t('inf.none')}</option>
            <option value="constant">{t('inf.constant')}</option>
            <option value="horton">{t('inf.horton')}</option>
          </select>
        </Field>
        {infMode === 'constant' && (
          <Field path="infiltration.rateMmPerH" label={t('inf.rate')} unit="mm/h">
            <NumField min={0} value={getIn(draft, 'infiltration.rateMmPerH')} onChange={(v) => set('infiltration.rateMmPerH', v)} />
          </Field>
        )}
        {infMode === 'horton' && (
          <>
            <Field path="infiltration.f0MmPerH" label={t('inf.f0')} unit="mm/h">
              <NumField min={0} value={getIn(draft, 'infiltration.f0MmPerH')} onChange={(v) => set('infiltration.f0MmPerH', v)} />
            </Field>
            <Field path="infiltration.fcMmPerH" label={t('inf.fc')} unit="mm/h">
              <NumField min={0} value={getIn(draft, 'infiltration.fcMmPerH')} onChange={(v) => set('infiltration.fcMmPerH', v)} />
            </Field>
            <Field path="infiltration.kPerH" label={t('inf.k')} unit="1/h">
              <NumField min={0} value={getIn(draft, 'infiltration.kPerH')} onChange={(v) => set('infiltration.kPerH', v)} />
            </Field>
          </>
        )}
      </Section>
      <Section title={t('editor.river')}>
        <Field path="terrain.fillWater" label={t('river.mode')} wide>
          <select data-testid="river-mode" value={riverMode} onChange={(e) => setRiver(e.target.value as RiverMode)}>
            <option value="normal">{t('river.normal')}</option>
            <option value="dry">{t('river.dry')}</option>
            <option value="level">{t('river.level')}</option>
          </select>
        </Field>
        {riverMode === 'level' && (
          <Field path="initialWater.0.level" label={t('river.levelM')} unit={t('unit.mShort')}>
            <NumField step={0.1} value={initial[0]?.level} onChange={(v) => set('initialWater.0.level', v)} />
          </Field>
        )}
        {riverMode === 'level' && <p className="sf-note wide">{t('river.levelNote')}</p>}
      </Section>
      <Section title={t('editor.time')}>
        <Field path="duration" label={t('time.duration')} unit={t('unit.min')}>
          <NumField testId="sim-duration-min" min={1} step={10} scale={60} value={draft.duration} onChange={(v) => set('duration', v)} />
        </Field>
        <Field path="outputInterval" label={t('time.interval')} unit={t('unit.min')}>
          <NumField testId="output-interval-min" min={0.5} step={1} scale={60} value={draft.outputInterval} onChange={(v) => set('outputInterval', v)} />
        </Field>
      </Section>
      <FacilityLists draft={draft} set={set} engine={engine} />
    </div>
  );
}
