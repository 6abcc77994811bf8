'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { MIN_PASSWORD } from '../../../models/accounts';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { LangSwitch } from '../LangSwitch';
import { roleName, useMe } from './useMe';

/** Only a path on this site is followed after sign-in (no open redirect). */
function safeNext(): string {
  const n = new URLSearchParams(window.location.search).get('next') ?? '/';
  return n.startsWith('/') && !n.startsWith('//') ? n : '/';
}

/** /signin: the sign-in form; when signed in, the account (password change, sign-out). */
export function SignInPage() {
  const { t, lang } = useI18n();
  const { user, loading } = useMe();
  return (
    <div className="auth-page">
      <header className="topbar">
        <Link href="/" className="btn ghost">← {t('auth.back')}</Link>
        <h1>{user ? t('auth.account') : t('auth.signInTitle')}</h1>
        <LangSwitch />
      </header>
      <main className="auth-main">
        {loading ? null : user ? (
          <>
            <p data-testid="signed-in-as">{t('auth.signedInAs', { name: user.name, role: roleName(user.role, lang) })}{user.department ? ` · ${user.department}` : ''}</p>
            <PasswordChange />
          </>
        ) : <SignInForm />}
      </main>
    </div>
  );
}

function SignInForm() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation(trpc.account.signIn.mutationOptions({
    onSuccess: () => { qc.clear(); window.location.assign(safeNext()); },
  }));
  const submit = (e: FormEvent) => { e.preventDefault(); signIn.mutate({ name: name.trim(), password }); };
  return (
    <form className="auth-form panel" onSubmit={submit} data-testid="signin-form">
      <label>{t('auth.name')}<input name="username" autoComplete="username" required value={name} onChange={(e) => setName(e.target.value)} data-testid="signin-name" /></label>
      <label>{t('auth.password')}<input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} data-testid="signin-password" /></label>
      {signIn.isError && <p className="error small" role="alert" data-testid="signin-error">{signInError(signIn.error, t)}</p>}
      <button type="submit" className="btn primary" disabled={signIn.isPending} data-testid="signin-submit">{signIn.isPending ? t('auth.signingIn') : t('auth.signIn')}</button>
    </form>
  );
}

/** The server's refusal in the page's language (its codes and words are English, for the API). */
function signInError(e: { message: string; data?: { code?: string } | null }, t: (k: 'auth.wrong' | 'auth.locked') => string): string {
  if (e.data?.code !== 'UNAUTHORIZED') return e.message;
  return /locked/.test(e.message) ? t('auth.locked') : t('auth.wrong');
}

function PasswordChange() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation(trpc.account.changePassword.mutationOptions({ onSuccess: () => { setCurrent(''); setNext(''); } }));
  const issues = (change.error?.data as { issues?: { path: string; message: string }[] } | undefined)?.issues;
  return (
    <form className="auth-form panel" onSubmit={(e) => { e.preventDefault(); change.mutate({ current, next }); }}>
      <h2>{t('auth.changePassword')}</h2>
      <label>{t('auth.currentPassword')}<input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} /></label>
      <label>{t('auth.newPassword', { n: MIN_PASSWORD })}<input type="password" autoComplete="new-password" required minLength={MIN_PASSWORD} value={next} onChange={(e) => setNext(e.target.value)} /></label>
      {change.isError && <p className="error small" role="alert">{issues?.length ? issues.map((i) => `${i.path}: ${i.message}`).join('; ') : change.error.message}</p>}
      {change.isSuccess && <p className="small" role="status">{t('auth.passwordChanged')}</p>}
      <button type="submit" className="btn primary" disabled={change.isPending}>{t('auth.changePassword')}</button>
    </form>
  );
}
