'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { CASE_READ_ROLES } from '../../../models/cases';
import { roleName, useMe } from './useMe';

/** The top bar's account corner: a sign-in link, or who is signed in with the account page and sign-out. */
export function UserMenu() {
  const { t, lang } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const path = usePathname();
  const { user, loading } = useMe();
  // everything cached was read as this user: forget it all on sign-out
  const signOut = useMutation(trpc.account.signOut.mutationOptions({ onSuccess: () => { qc.clear(); window.location.assign('/'); } }));
  if (loading) return null;
  if (!user) {
    return <Link className="btn ghost" data-testid="signin-link" href={`/signin?next=${encodeURIComponent(path ?? '/')}`}>{t('auth.signIn')}</Link>;
  }
  return (
    <details className="user-menu" data-testid="user-menu">
      <summary className="btn ghost" aria-label={t('auth.menu')}>
        <span className="user-name" data-testid="user-name">{user.name}</span> <span className="muted small">{roleName(user.role, lang)}</span>
      </summary>
      <div className="user-menu-pop panel">
        <p className="small muted">{t('auth.signedInAs', { name: user.name, role: roleName(user.role, lang) })}{user.department ? ` · ${user.department}` : ''}</p>
        {CASE_READ_ROLES.includes(user.role) && <Link className="btn small" href="/cases" data-testid="menu-cases">{t('cases.title')}</Link>}
        {user.role === 'administrator' && <Link className="btn small" href="/admin/accounts" data-testid="menu-accounts">{t('admin.link')}</Link>}
        <Link className="btn small" href="/signin">{t('auth.account')}</Link>
        <button type="button" className="btn small" data-testid="signout" onClick={() => signOut.mutate()}>{t('auth.signOut')}</button>
      </div>
    </details>
  );
}
