'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useState, type ReactNode } from 'react';
import { CASE_CLASSES } from '../../../models/cases';
import { CLASS_BY_CODE } from '../../../models/components';
import { EMPTY_ROOM_VIEW, flyTo, roomCodeSchema, type RoomFly, type RoomView } from '../../../models/cockpit';
import { LAYER_KEYS, type LayerKey } from '../../../scene/core/types';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { LangSwitch } from '../LangSwitch';
import { usePresentRoom } from './usePresentRoom';

const newCode = () => Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[b % 32]).join('');

/** The presenter's tablet: sign in, open a room by code, then drive it (server/cockpit/rooms.ts). */
export function PresenterPage({ city, room: roomParam }: { city: string; room?: string }) {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const me = useQuery(trpc.account.me.queryOptions());
  const cityQ = useQuery(trpc.city.get.queryOptions({ city }));
  const [draft, setDraft] = useState(roomParam ?? '');
  const [room, setRoom] = useState<string | null>(null);
  useEffect(() => { if (!roomParam) setDraft(newCode()); }, [roomParam]);
  const user = me.data?.user;
  const mayDrive = !!user && (user.role === 'presenter' || user.role === 'administrator');
  const code = roomCodeSchema.safeParse(draft);
  const open = () => { if (code.success) { setRoom(code.data); history.replaceState(null, '', `?room=${code.data}`); } };
  return (
    <div className="present" data-testid="presenter">
      <header className="topbar">
        <h1>{t('present.title')} · {cityQ.data ? pick(cityQ.data.name) : city}</h1>
        <span style={{ marginLeft: 'auto' }} />
        <LangSwitch />
      </header>
      {me.isSuccess && !mayDrive && (
        <p className="error" data-testid="present-need-role">{t('present.needRole')} <Link href="/signin">{t('present.signIn')}</Link></p>
      )}
      {mayDrive && (
        <div className="present-room">
          <label>{t('present.room')} <input value={draft} onChange={(e) => setDraft(e.target.value)} data-testid="room-code" maxLength={16} /></label>
          <button type="button" className="big" disabled={!code.success} onClick={open} data-testid="room-open">{t('present.open')}</button>
          {room && <span>{t('present.screenLink')} <code>/cockpit/{city}?room={room}</code></span>}
        </div>
      )}
      {mayDrive && room && <Controls city={city} room={room} />}
    </div>
  );
}

function describe(v: RoomView | null, t: ReturnType<typeof useI18n>['t']): string {
  if (!v) return t('present.nothing');
  const f = v.fly;
  const fly = !f || f.kind === 'home' ? t('present.fly.home') : f.kind === 'point' ? t('present.fly.point', { x: Math.round(f.x), y: Math.round(f.y) })
    : t(f.kind === 'component' ? 'present.fly.component' : 'present.fly.grid', { i: f.index });
  const lines = [fly];
  if (v.view.layersOff?.length) lines.push(`${t('present.layers')}: −${v.view.layersOff.map((k) => t(`layers.${k as LayerKey}`)).join(', −')}`);
  if (v.view.run) lines.push(`${t('present.run')}: ${v.view.run.slice(0, 8)}${v.view.timeS !== undefined ? ` · ${t('present.time', { min: Math.round(v.view.timeS / 60) })}` : ''}`);
  return lines.join('\n');
}

function Controls({ city, room }: { city: string; room: string }) {
  const { t, pick, lang } = useI18n();
  const trpc = useTRPC();
  const r = usePresentRoom(city, room, 'drive');
  const summary = useQuery({ ...trpc.cockpit.summary.queryOptions({ city }), refetchInterval: 5000 });
  const runs = useQuery(trpc.run.list.queryOptions({ city }));
  const [live, setLive] = useState(true);
  const [staged, setStaged] = useState<RoomView | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  // staging starts from what the screens show
  const base: RoomView = staged ?? (r.state ? { view: r.state.view, fly: r.state.fly, flySeq: r.state.flySeq } : EMPTY_ROOM_VIEW);
  const apply = (next: RoomView) => {
    if (!live) { setStaged(next); return; }
    void r.push(next).then((a) => setRefused(a.ok ? null : a.error));
  };
  const push = () => { if (staged) void r.push(staged).then((a) => { setRefused(a.ok ? null : a.error); if (a.ok) setStaged(null); }); };
  const fly = (f: RoomFly) => apply(flyTo(base, f));
  const off = new Set(base.view.layersOff ?? []);
  const toggleLayer = (k: LayerKey) => {
    const s = new Set(off);
    if (s.has(k)) s.delete(k); else s.add(k);
    apply({ ...base, view: { ...base.view, layersOff: [...s].sort() } });
  };
  const done = (runs.data ?? []).filter((x) => x.status === 'succeeded' && x.grid).slice(0, 8);
  const shownRun = done.find((x) => x.id === base.view.run);
  const duration = shownRun ? (shownRun.progress?.duration ?? shownRun.outputInterval * Math.max(1, shownRun.frameCount - 1)) : 0;
  const s = summary.data;
  const gridsWithAlarms = [...new Set((s?.alerts ?? []).map((a) => a.unitGrid))].slice(0, 8);
  return (
    <>
      <p className={r.error || refused ? 'error' : 'status'} data-testid="present-status" data-sent-at={r.sentAt}>
        {r.error ? t('present.refused', { error: r.error }) : refused ? t('present.refused', { error: refused }) : !r.connected ? t('present.connecting') : t('present.screens', { n: r.screens })}
      </p>
      <div className="present-room">
        <label><input type="checkbox" checked={live} onChange={(e) => { setLive(e.target.checked); if (e.target.checked) setStaged(null); }} data-testid="present-live" /> {t('present.live')}</label>
        <span className="muted small">{t('present.liveHint')}</span>
        {!live && <button type="button" className="big push" disabled={!staged} onClick={push} data-testid="present-push">{t('present.push')}</button>}
      </div>
      <div className="present-cols">
        <section><h2>{t('present.staged')}</h2><pre className="state" data-testid="present-staged">{describe(live ? null : staged, t)}</pre></section>
        <section><h2>{t('present.onScreens')}</h2><pre className="state" data-testid="present-screens">{describe(r.state, t)}</pre></section>
        <Chips title={t('present.alerts')}>
          <button type="button" onClick={() => fly({ kind: 'home' })} data-testid="fly-home">{t('present.home')}</button>
          {(s?.alerts ?? []).slice(0, 12).map((a) => (
            <button type="button" key={a.index} onClick={() => fly({ kind: 'component', index: a.index })} data-testid="fly-alert" data-index={a.index}>
              {CLASS_BY_CODE.get(a.classCode)?.[lang] ?? a.classCode} {a.code.slice(-6)}
            </button>
          ))}
        </Chips>
        <Chips title={t('present.places')}>
          {numbered((s?.places ?? []).slice(0, 16).map((p) => pick(p.name))).map((label, i) => {
            const p = s!.places[i]!;
            return <button type="button" key={i} onClick={() => fly({ kind: 'point', x: p.x, y: p.y })} data-testid="fly-place">{label}</button>;
          })}
        </Chips>
        <Chips title={t('present.grids')}>
          {gridsWithAlarms.map((g) => <button type="button" key={g} onClick={() => fly({ kind: 'grid', index: g })} data-testid="fly-grid">{t('present.fly.grid', { i: g })}</button>)}
        </Chips>
        <Chips title={t('present.cases')}>
          {(s?.cases?.recent ?? []).map((c) => (
            <button type="button" key={c.number} onClick={() => fly({ kind: 'point', x: c.x, y: c.y })} data-testid="fly-case">
              {CASE_CLASSES.find((k) => k.code === c.classCode)?.[lang] ?? c.classCode} {c.number.slice(-4)}
            </button>
          ))}
        </Chips>
        <Chips title={t('present.layers')}>
          {LAYER_KEYS.map((k) => <button type="button" key={k} className={off.has(k) ? '' : 'on'} onClick={() => toggleLayer(k)} data-testid={`present-layer-${k}`}>{t(`layers.${k}`)}</button>)}
        </Chips>
        <section>
          <h2>{t('present.run')}</h2>
          <div className="chips">
            <button type="button" className={base.view.run ? '' : 'on'} onClick={() => apply({ ...base, view: { ...base.view, run: undefined, timeS: undefined } })}>{t('present.run.none')}</button>
            {done.map((x) => (
              <button type="button" key={x.id} className={x.id === base.view.run ? 'on' : ''} onClick={() => apply({ ...base, view: { ...base.view, run: x.id, timeS: 0 } })} data-testid="present-run">{x.scenarioName}</button>
            ))}
          </div>
          {shownRun && (
            <label>{t('present.time', { min: Math.round((base.view.timeS ?? 0) / 60) })}
              <input type="range" min={0} max={duration} step={shownRun.outputInterval} value={base.view.timeS ?? 0} style={{ width: '100%' }}
                onChange={(e) => apply({ ...base, view: { ...base.view, timeS: Number(e.target.value) } })} data-testid="present-time" />
            </label>
          )}
        </section>
      </div>
    </>
  );
}

/** Places that share a name (several low sections of one road) get 1, 2, 3... so the presenter can tell them apart. */
function numbered(names: string[]): string[] {
  const total = new Map<string, number>(), seen = new Map<string, number>();
  for (const n of names) total.set(n, (total.get(n) ?? 0) + 1);
  return names.map((n) => {
    if (total.get(n)! < 2) return n;
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return `${n} ${k}`;
  });
}

/** A titled panel of fly-to buttons. */
function Chips({ title, children }: { title: string; children: ReactNode }) {
  return <section><h2>{title}</h2><div className="chips">{children}</div></section>;
}
