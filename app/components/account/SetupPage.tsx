'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { MIN_PASSWORD } from '../../../models/accounts';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { LangSwitch } from '../LangSwitch';

/** /setup#<token>: the one-time link of a server without an administrator (the token stays out of request logs). */
export function SetupPage() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [token, setToken] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  useEffect(() => { setToken(window.location.hash.slice(1) || ''); }, []);
  const setup = useMutation(trpc.account.setup.mutationOptions({ onSuccess: () => { qc.clear(); window.location.assign('/'); } }));
  const issues = (setup.error?.data as { issues?: { path: string; message: string }[] } | undefined)?.issues;
  return (
    <div className="auth-page">
      <header className="topbar"><h1>{t('auth.setupTitle')}</h1><LangSwitch /></header>
      <main className="auth-main">
        <p className="muted small">{t('auth.setupHint')}</p>
        {token === '' && <p className="error">{t('auth.setupMissing')}</p>}
        {token && (
          <form className="auth-form panel" onSubmit={(e) => { e.preventDefault(); setup.mutate({ token, name: name.trim(), password }); }}>
            <label>{t('auth.name')}<input autoComplete="username" required value={name} onChange={(e) => setName(e.target.value)} /></label>
            <label>{t('auth.newPassword', { n: MIN_PASSWORD })}<input type="password" autoComplete="new-password" required minLength={MIN_PASSWORD} value={password} onChange={(e) => setPassword(e.target.value)} /></label>
            {setup.isError && <p className="error small" role="alert">{issues?.length ? issues.map((i) => `${i.path}: ${i.message}`).join('; ') : setup.error.message}</p>}
            <button type="submit" className="btn primary" disabled={setup.isPending}>{t('auth.create')}</button>
          </form>
        )}
      </main>
    </div>
  );
}
