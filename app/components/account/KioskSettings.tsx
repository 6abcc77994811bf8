'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import type { KioskSettings as Kiosk } from '../../../models/kiosk';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { trpcErrorText } from '../trpcError';

/** one storm a line: "run id | 中文名 | English name" (the names may be left out) */
const stormsText = (k: Kiosk) => k.storms.map((s) => [s.runId, s.label?.zh, s.label?.en].filter(Boolean).join(' | ')).join('\n');
function parseStorms(text: string): Kiosk['storms'] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const [runId = '', zh = '', en = ''] = l.split('|').map((s) => s.trim());
    return zh && en ? { runId, label: { zh, en } } : { runId };
  });
}

/**
 * The exhibition kiosk's settings on /admin/accounts (docs/kiosk.md): the idle time before its
 * attract loop and the storms of "flood my street". The server validates; a refusal names the
 * field (e.g. "kiosk.storms.0.runId: run id: a UUID").
 */
export function KioskSettings() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const settings = useQuery(trpc.account.settings.queryOptions());
  const save = useMutation(trpc.account.updateSettings.mutationOptions({
    onSuccess: (saved) => qc.setQueryData(trpc.account.settings.queryKey(), saved),
  }));
  const [form, setForm] = useState<{ idleS: string; storms: string } | null>(null);
  useEffect(() => {
    if (settings.data) setForm({ idleS: String(settings.data.kiosk.idleS), storms: stormsText(settings.data.kiosk) });
  }, [settings.data]);
  if (!form) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ kiosk: { idleS: Number(form.idleS), storms: parseStorms(form.storms) } });
  };
  return (
    <form className="calendar-form" onSubmit={submit} data-testid="kiosk-settings">
      <h3>{t('kiosk.admin.title')}</h3>
      <label>{t('kiosk.admin.idle')}
        <input type="number" min={3} max={3600} data-testid="kiosk-idle" value={form.idleS} onChange={(e) => setForm({ ...form, idleS: e.target.value })} />
      </label>
      <label>{t('kiosk.admin.storms')}
        <textarea rows={3} className="kiosk-storms-input" data-testid="kiosk-storms" placeholder="run id | 百年一遇暴雨 | The 100-year storm" value={form.storms} onChange={(e) => setForm({ ...form, storms: e.target.value })} />
      </label>
      <p className="muted small">{t('kiosk.admin.hint')}</p>
      <div className="row-wrap">
        <button type="submit" className="btn primary" data-testid="kiosk-save" disabled={save.isPending}>{t('kiosk.admin.save')}</button>
        {save.isSuccess && !save.isPending && <span className="small">{t('kiosk.admin.saved')}</span>}
        {save.isError && <span className="error small" role="alert">{trpcErrorText(save.error)}</span>}
      </div>
    </form>
  );
}
