'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { WARNING_DUTY_ROLES } from '../../../models/warnings';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { LangSwitch } from '../LangSwitch';
import { UserMenu } from '../account/UserMenu';
import { useMe } from '../account/useMe';
import { trpcErrorText } from '../trpcError';

/** /warnings/<city>/duty: the duty officer's view (shift lead, administrator): active warnings, subscriptions, the delivery log. */
export function DutyPage({ city }: { city: string }) {
  const { t, pick, date } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { user, loading } = useMe();
  const may = !!user && WARNING_DUTY_ROLES.includes(user.role);
  const duty = useQuery({ ...trpc.warnings.duty.queryOptions({ city }), enabled: may, refetchInterval: 5000 });
  const cancel = useMutation(trpc.warnings.cancel.mutationOptions({ onSettled: () => qc.invalidateQueries({ queryKey: trpc.warnings.duty.queryKey({ city }) }) }));
  const info = useQuery({ ...trpc.city.get.queryOptions({ city }), retry: false });
  const d = duty.data;
  return (
    <div className="auth-page warn-duty">
      <header className="topbar">
        <Link href="/" className="btn ghost">← {t('auth.back')}</Link>
        <h1>{t('warn.duty')} · {info.data ? pick(info.data.name) : city}</h1>
        <div className="topbar-right"><Link className="btn small" href={`/warnings/${encodeURIComponent(city)}`}>{t('warn.title')}</Link><UserMenu /><LangSwitch /></div>
      </header>
      <main className="cases-main one">
        {!loading && !may && <p className="error" data-testid="warn-duty-refused">{t('warn.dutyNeeds')} {!user && <Link href={`/signin?next=${encodeURIComponent(`/warnings/${city}/duty`)}`}>{t('auth.signIn')}</Link>}</p>}
        {duty.isError && <p className="error">{trpcErrorText(duty.error)}</p>}
        {cancel.isError && <p className="error">{trpcErrorText(cancel.error)}</p>}
        {d && <>
          <section className="panel warn-section" data-testid="warn-active">
            <h2>{t('warn.active')} ({d.active.length})</h2>
            {d.active.length === 0 ? <p className="small muted">{t('warn.nowNone')}</p> : (
              <table className="ind-table small warn-table"><thead><tr><th>{t('warn.colGrid')}</th><th>{t('warn.colState')}</th><th>cm</th><th>{t('warn.colWhen')}</th><th>{t('warn.colWhy')}</th></tr></thead>
                <tbody>{d.active.map((g) => (
                  <tr key={g.code} className={`warn-${g.colour}`}><td>{g.code}</td><td><span className={`warn-chip ${g.colour}`}>{t(g.colour === 'red' ? 'warn.red' : 'warn.yellow')}</span></td><td>{g.depthCm}</td><td>{date(g.fromAt)}</td><td>{pick(g.why)}</td></tr>
                ))}</tbody></table>
            )}
          </section>
          <section className="panel warn-section" data-testid="warn-subs">
            <h2>{t('warn.subs')} ({d.subscriptions.length})</h2>
            <table className="ind-table small warn-table"><thead><tr><th>{t('warn.colGrid')}</th><th>{t('warn.colPlace')}</th><th>{t('warn.colWho')}</th><th>{t('warn.colChannel')}</th><th>{t('warn.colAddress')}</th><th>{t('warn.colState')}</th><th /></tr></thead>
              <tbody>{d.subscriptions.map((s) => (
                <tr key={s.id}><td>{s.gridCode}</td><td>{s.place}</td><td>{s.label ?? '—'}</td><td>{t(s.channel === 'sms' ? 'warn.sms' : 'warn.webhook')}</td><td className="mono">{s.address}</td>
                  <td>{t(s.confirmed ? 'warn.confirmed' : 'warn.unconfirmed')}</td>
                  <td><button type="button" className="btn small" disabled={cancel.isPending} onClick={() => cancel.mutate({ id: s.id })}>{t('warn.cancel')}</button></td></tr>
              ))}</tbody></table>
          </section>
          <section className="panel warn-section" data-testid="warn-deliveries">
            <h2>{t('warn.deliveries')}</h2>
            <table className="ind-table small warn-table"><thead><tr><th>{t('warn.colWhen')}</th><th>{t('warn.colGrid')}</th><th>{t('warn.colAddress')}</th><th>{t('warn.colKind')}</th><th>{t('warn.colState')}</th><th>{t('warn.colTries')}</th><th>{t('warn.colError')}</th></tr></thead>
              <tbody>{d.deliveries.map((x) => (
                <tr key={x.id}><td>{date(x.deliveredAt ?? x.createdAt)}</td><td>{x.gridCode}</td><td className="mono">{x.address}</td><td>{t(`warn.kind.${x.kind}`)}</td>
                  <td><span className={`warn-chip ${x.status}`}>{t(`warn.status.${x.status}`)}</span></td><td>{x.attempts}</td><td>{x.lastError ?? ''}</td></tr>
              ))}</tbody></table>
          </section>
        </>}
      </main>
    </div>
  );
}
