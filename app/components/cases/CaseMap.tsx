'use client';
import { useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import { useEffect, useMemo, useState } from 'react';
import type { CaseRecord } from '../../../models/caseApi';
import type { CasesLayer } from '../../../scene/cases/casesLayer';
import { caseMarkers } from '../../../scene/cases/cluster';
import type { TwinCityInfo, TwinEngine } from '../../../scene/TwinEngine';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { useEngineSelector } from '../useEngine';

const TwinView = dynamic(() => import('../../../scene/TwinView'), { ssr: false });

/** How far the camera stands when it flies to a case (metres). */
const CASE_VIEW_M = 260;

/**
 * The desk's case map: the 3D twin with the cases layer (scene/cases), fed with the cases the
 * list shows. A click on a case selects it; on a cluster, flies closer. `flyTo` (a case id and a
 * counter, so the same case can be asked again) flies to one case.
 */
export function CaseMap({ city, cases, selected, onSelect, flyTo }: {
  city: string;
  cases: readonly CaseRecord[];
  selected: string | null;
  onSelect: (id: string) => void;
  flyTo: { id: string; n: number } | null;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const q = useQuery(trpc.city.get.queryOptions({ city }));
  const [engine, setEngine] = useState<TwinEngine | null>(null);
  const phase = useEngineSelector(engine, (e) => e.status.phase);
  const [note, setNote] = useState<string | null>(null);
  const info = useMemo<TwinCityInfo | null>(() => (q.data ? {
    slug: q.data.slug, originLonDeg: q.data.originLonDeg, originLatDeg: q.data.originLatDeg, originHeightM: q.data.originHeightM, extent: q.data.extent,
  } : null), [q.data]);
  const map = phase === 'ready' ? engine?.layer<CasesLayer>('cases')?.api ?? null : null;
  const markers = useMemo(() => (info ? caseMarkers(cases, { lonDeg: info.originLonDeg, latDeg: info.originLatDeg, heightM: info.originHeightM }) : []), [cases, info]);

  useEffect(() => { map?.setCases(markers); }, [map, markers]);
  useEffect(() => {
    if (!map || !engine) return;
    map.onPick((p) => {
      if (p.ids.length === 1) { setNote(null); onSelect(p.ids[0]!); return; }
      setNote(t('desk.cluster', { n: p.ids.length }));
      engine.flyToPoint(p.x, p.y, CASE_VIEW_M * 1.6);
    });
    return () => map.onPick(null);
  }, [map, engine, onSelect, t]);
  // the selected case gets the selection ring
  useEffect(() => {
    if (!map || !engine) return;
    const m = selected ? map.marker(selected) : null;
    engine.select(m ? { kind: 'point', x: m.x, y: m.y } : null);
  }, [map, engine, selected, markers]);
  useEffect(() => {
    if (!flyTo || !map || !engine) return;
    const m = map.marker(flyTo.id);
    setNote(m ? null : t('desk.noPlace'));
    if (m) engine.flyToPoint(m.x, m.y, CASE_VIEW_M);
  }, [flyTo, map, engine, t]);

  return (
    <section className="case-map panel" data-testid="case-map" data-ready={map ? 'yes' : 'no'}>
      <div className="case-map-stage">
        {info && <TwinView info={info} onEngine={setEngine} />}
        {phase !== 'ready' && <div className="overlay-msg">{t('desk.mapLoading')}</div>}
      </div>
      <p className="small muted case-map-legend">
        {note ? <span data-testid="case-map-note">{note}</span> : t('desk.mapLegend')}
      </p>
    </section>
  );
}
