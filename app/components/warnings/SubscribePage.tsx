'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { WarningTarget } from '../../../models/warnings';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { LangSwitch } from '../LangSwitch';
import { PlacePicker } from '../cases/PlacePicker';
import { EvacuationList } from './EvacuationList';
import { trpcErrorText } from '../trpcError';

type By = 'map' | 'address' | 'grid';
/**
 * /warnings/<city>: the public subscribe page, phone first. Where (a point on the map, a place or
 * road name, or a grid code), how (SMS or a webhook), then the code that came through that
 * channel. The map needs the twin to be readable (public, or signed in); the other two do not.
 */
export function SubscribePage({ city }: { city: string }) {
  const { t, lang, pick } = useI18n();
  const trpc = useTRPC();
  const info = useQuery({ ...trpc.city.get.queryOptions({ city }), retry: false });
  const [by, setBy] = useState<By>('address');
  const [point, setPoint] = useState<[number, number] | null>(null);
  const [address, setAddress] = useState('');
  const [grid, setGrid] = useState('');
  const [channel, setChannel] = useState<'sms' | 'webhook'>('sms');
  const [phone, setPhone] = useState('');
  const [url, setUrl] = useState('');
  const [label, setLabel] = useState('');
  const [msgLang, setMsgLang] = useState<'zh' | 'en' | null>(null);
  const [code, setCode] = useState('');
  const subscribe = useMutation(trpc.warnings.subscribe.mutationOptions());
  const confirm = useMutation(trpc.warnings.confirm.mutationOptions());
  const mapOn = !!info.data;

  const target = (): WarningTarget => by === 'map' && point ? { kind: 'point', lonDeg: point[0], latDeg: point[1] }
    : by === 'grid' ? { kind: 'grid', code: grid.trim() } : { kind: 'address', text: address.trim() };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    subscribe.mutate({
      city, target: target(), lang: msgLang ?? lang, ...(label.trim() ? { label: label.trim() } : {}),
      channel: channel === 'sms' ? { kind: 'sms', phone } : { kind: 'webhook', url: url.trim() },
    });
  };
  const sent = subscribe.data;
  const reset = () => { subscribe.reset(); confirm.reset(); setCode(''); };

  return (
    <div className="auth-page phone warn-page">
      <header className="topbar"><h1>{t('warn.title')}{info.data ? ` · ${pick(info.data.name)}` : ''}</h1><div className="topbar-right"><LangSwitch /></div></header>
      <main className="auth-main">
        <p className="small muted">{t('warn.intro')}</p>
        <EvacuationList city={city} />
        {confirm.isSuccess ? (
          <div className="auth-form panel" data-testid="warn-done">
            <p className="warn-ok">{t('warn.done', { grid: confirm.data.gridCode, place: pick(confirm.data.place) })}</p>
            <button type="button" className="btn" onClick={reset}>{t('warn.another')}</button>
          </div>
        ) : sent ? (
          <form className="auth-form panel" data-testid="warn-confirm-form" onSubmit={(e) => { e.preventDefault(); confirm.mutate({ id: sent.id, code }); }}>
            <p data-testid="warn-code-sent">{t('warn.codeSent', { channel: t(sent.channel === 'sms' ? 'warn.codeSentSms' : 'warn.codeSentHook'), grid: sent.gridCode, place: pick(sent.place) })}</p>
            <label>{t('warn.code')}<input inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={code} onChange={(e) => setCode(e.target.value)} data-testid="warn-code" /></label>
            {confirm.isError && <p className="error small" role="alert" data-testid="warn-error">{trpcErrorText(confirm.error)}</p>}
            <button type="submit" className="btn primary" disabled={confirm.isPending} data-testid="warn-confirm">{t('warn.confirm')}</button>
          </form>
        ) : (
          <form className="auth-form panel" onSubmit={submit} data-testid="warn-form">
            <fieldset className="warn-choice">
              <legend>{t('warn.where')}</legend>
              <div className="warn-tabs" role="radiogroup">
                {(['address', 'map', 'grid'] as const).filter((b) => b !== 'map' || mapOn).map((b) => (
                  <label key={b} className={by === b ? 'on' : ''}><input type="radio" name="by" checked={by === b} onChange={() => setBy(b)} data-testid={`warn-by-${b}`} />
                    {t(b === 'map' ? 'warn.byMap' : b === 'grid' ? 'warn.byGrid' : 'warn.byAddress')}</label>
                ))}
              </div>
              {by === 'address' && <label>{t('warn.address')}<input value={address} onChange={(e) => setAddress(e.target.value)} data-testid="warn-address" /></label>}
              {by === 'grid' && <label>{t('warn.grid')}<input inputMode="numeric" value={grid} onChange={(e) => setGrid(e.target.value)} data-testid="warn-grid" /></label>}
              {by === 'map' && info.data && <>
                <span className="small muted">{t('warn.mapHint')}</span>
                <PlacePicker city={info.data} lonDeg={point?.[0] ?? NaN} latDeg={point?.[1] ?? NaN} label={t('warn.mapHint')} onPick={(lo, la) => setPoint([lo, la])} />
              </>}
              {!mapOn && info.isError && <span className="small muted">{t('warn.mapOff')}</span>}
            </fieldset>
            <fieldset className="warn-choice">
              <legend>{t('warn.how')}</legend>
              <div className="warn-tabs" role="radiogroup">
                {(['sms', 'webhook'] as const).map((c) => (
                  <label key={c} className={channel === c ? 'on' : ''}><input type="radio" name="channel" checked={channel === c} onChange={() => setChannel(c)} data-testid={`warn-channel-${c}`} />{t(c === 'sms' ? 'warn.sms' : 'warn.webhook')}</label>
                ))}
              </div>
              {channel === 'sms'
                ? <label>{t('warn.phone')}<input type="tel" inputMode="tel" autoComplete="tel" value={phone} onChange={(e) => setPhone(e.target.value)} data-testid="warn-phone" /></label>
                : <label>{t('warn.url')}<input type="url" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} data-testid="warn-url" placeholder="https://" /></label>}
            </fieldset>
            <label>{t('warn.label')}<input value={label} onChange={(e) => setLabel(e.target.value)} data-testid="warn-label" /></label>
            <label>{t('warn.msgLang')}
              <select value={msgLang ?? lang} onChange={(e) => setMsgLang(e.target.value as 'zh' | 'en')} data-testid="warn-lang"><option value="zh">中文</option><option value="en">English</option></select>
            </label>
            {subscribe.isError && <p className="error small" role="alert" data-testid="warn-error">{trpcErrorText(subscribe.error)}</p>}
            <button type="submit" className="btn primary" disabled={subscribe.isPending || (by === 'map' && !point)} data-testid="warn-submit">{subscribe.isPending ? t('warn.sending') : t('warn.submit')}</button>
          </form>
        )}
      </main>
    </div>
  );
}
