'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { MIN_PASSWORD, ROLES, type Account, type Role } from '../../../models/accounts';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { trpcErrorText } from '../trpcError';
import { LangSwitch } from '../LangSwitch';
import { UserMenu } from './UserMenu';
import { AdminSettings } from './AdminSettings';
import { roleName, useMe } from './useMe';

/** /admin/accounts: the administrator's account list (account.list/add/update): add, disable, unlock, reset a password; and the settings (AdminSettings). */
export function AccountsPage() {
  const { t } = useI18n();
  const { user, loading } = useMe();
  return (
    <div className="auth-page">
      <header className="topbar">
        <Link href="/" className="btn ghost">← {t('auth.back')}</Link>
        <h1>{t('admin.title')}</h1>
        <div className="topbar-right"><UserMenu /><LangSwitch /></div>
      </header>
      <main className="cases-main one">
        {!loading && user?.role !== 'administrator' && <p className="error" data-testid="admin-only">{t('admin.only')}</p>}
        {user?.role === 'administrator' && <><AccountList /><AdminSettings /></>}
      </main>
    </div>
  );
}

function AccountList() {
  const { t, lang, date } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.account.list.queryOptions());
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.account.list.queryKey() });
  const update = useMutation(trpc.account.update.mutationOptions({ onSuccess: refresh }));
  const [reset, setReset] = useState<{ id: string; password: string } | null>(null);
  return (
    <section className="case-indicators panel">
      <AddAccount onAdded={refresh} />
      {list.isError && <p className="error small">{list.error.message}</p>}
      {update.isError && <p className="error small" role="alert">{trpcErrorText(update.error)}</p>}
      <table className="ind-table small accounts-table" data-testid="account-table">
        <thead><tr><th>{t('auth.name')}</th><th>{t('admin.role')}</th><th>{t('admin.department')}</th><th>{t('admin.state')}</th><th /></tr></thead>
        <tbody>
          {(list.data ?? []).map((a: Account) => {
            const locked = !!a.lockedUntil && Date.parse(a.lockedUntil) > Date.now();
            return (
              <tr key={a.id} data-testid="account-row" data-name={a.name}>
                <td>{a.name}</td>
                <td>{roleName(a.role, lang)}</td>
                <td>{a.department ?? '—'}</td>
                <td>{a.disabled ? t('admin.disabled') : locked ? t('admin.lockedUntil', { t: date(a.lockedUntil!) }) : t('admin.active')}</td>
                <td className="row-wrap admin-actions">
                  <button type="button" className="btn small" data-testid="account-disable" onClick={() => update.mutate({ id: a.id, disabled: !a.disabled })}>{t(a.disabled ? 'admin.enable' : 'admin.disable')}</button>
                  {locked && <button type="button" className="btn small" onClick={() => update.mutate({ id: a.id, unlock: true })}>{t('admin.unlock')}</button>}
                  {reset?.id === a.id ? (
                    <form className="row-wrap" onSubmit={(e) => { e.preventDefault(); update.mutate({ id: a.id, password: reset.password }, { onSuccess: () => setReset(null) }); }}>
                      <input type="password" autoComplete="new-password" aria-label={t('auth.newPassword', { n: MIN_PASSWORD })} placeholder={t('auth.newPassword', { n: MIN_PASSWORD })} data-testid="account-reset-password"
                        value={reset.password} onChange={(e) => setReset({ id: a.id, password: e.target.value })} />
                      <button type="submit" className="btn small primary" data-testid="account-reset-save">{t('admin.resetSave')}</button>
                    </form>
                  ) : <button type="button" className="btn small" data-testid="account-reset" onClick={() => setReset({ id: a.id, password: '' })}>{t('admin.reset')}</button>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function AddAccount({ onAdded }: { onAdded: () => void }) {
  const { t, lang } = useI18n();
  const trpc = useTRPC();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [department, setDepartment] = useState('');
  const [password, setPassword] = useState('');
  const add = useMutation(trpc.account.add.mutationOptions({ onSuccess: () => { setName(''); setPassword(''); setDepartment(''); onAdded(); } }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate({ name: name.trim(), role, password, department: role === 'department' ? department.trim() : undefined });
  };
  return (
    <form className="row-wrap ind-controls" onSubmit={submit} data-testid="account-add">
      <strong className="small">{t('admin.add')}</strong>
      <input aria-label={t('auth.name')} placeholder={t('auth.name')} data-testid="account-name" value={name} onChange={(e) => setName(e.target.value)} />
      <select aria-label={t('admin.role')} data-testid="account-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {ROLES.map((r) => <option key={r} value={r}>{roleName(r, lang)}</option>)}
      </select>
      {role === 'department' && <input aria-label={t('admin.department')} placeholder={t('admin.department')} data-testid="account-department" value={department} onChange={(e) => setDepartment(e.target.value)} />}
      <input type="password" autoComplete="new-password" aria-label={t('auth.newPassword', { n: MIN_PASSWORD })} placeholder={t('auth.newPassword', { n: MIN_PASSWORD })} data-testid="account-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      <button type="submit" className="btn primary" data-testid="account-add-go" disabled={add.isPending}>{t('admin.addGo')}</button>
      {add.isError && <span className="error small" role="alert">{trpcErrorText(add.error)}</span>}
    </form>
  );
}
