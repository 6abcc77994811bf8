'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import type { WorkCalendar } from '../../../models/workCalendar';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { trpcErrorText } from '../trpcError';
import { KioskSettings } from './KioskSettings';

/**
 * The administrator's settings on /admin/accounts: whether anonymous visitors may see the twin
 * (account.updateSettings), and the working calendar that case time limits count on
 * (case.setCalendar: working periods, weekdays, public holidays, weekend days worked instead).
 * The server validates; its refusal names the field (e.g. "holidays.1: a date as YYYY-MM-DD").
 */
export function AdminSettings() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const settings = useQuery(trpc.account.settings.queryOptions());
  // while saving, the box shows the value asked for (React state, set in the click itself: a
  // controlled box would otherwise spring back until the answer comes); a refusal drops it
  const [asked, setAsked] = useState<boolean | null>(null);
  const setSettings = useMutation(trpc.account.updateSettings.mutationOptions({
    onSuccess: (saved) => qc.setQueryData(trpc.account.settings.queryKey(), saved),
    onSettled: () => setAsked(null),
  }));
  const twinPublic = asked ?? settings.data?.twinPublic;
  return (
    <section className="panel admin-settings" data-testid="admin-settings">
      <h2>{t('admin.settings')}</h2>
      <label className="row-wrap">
        <input type="checkbox" data-testid="setting-twin-public" disabled={!settings.data || setSettings.isPending}
          checked={twinPublic ?? false} onChange={(e) => { setAsked(e.target.checked); setSettings.mutate({ twinPublic: e.target.checked }); }} />
        {t('admin.twinPublic')}
      </label>
      <p className="muted small">{t('admin.twinPublicHint')}</p>
      {setSettings.isError && <p className="error small" role="alert">{trpcErrorText(setSettings.error)}</p>}
      <CalendarForm />
      <KioskSettings />
    </section>
  );
}

const dates = (s: string) => s.split(/[\s,，、]+/).filter(Boolean);
const periodsText = (c: WorkCalendar) => c.periods.map((p) => `${p.from}-${p.to}`).join(', ');

function CalendarForm() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const cal = useQuery(trpc.case.calendar.queryOptions());
  const save = useMutation(trpc.case.setCalendar.mutationOptions({
    onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.case.calendar.queryKey() }),
  }));
  const [form, setForm] = useState<{ periods: string; weekdays: number[]; holidays: string; workdays: string } | null>(null);
  useEffect(() => {
    if (cal.data) setForm({ periods: periodsText(cal.data), weekdays: cal.data.weekdays, holidays: cal.data.holidays.join('\n'), workdays: cal.data.workdays.join('\n') });
  }, [cal.data]);
  if (!form || !cal.data) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const periods = form.periods.split(/[,，;]+/).map((p) => p.trim()).filter(Boolean).map((p) => {
      const [from = '', to = ''] = p.split(/\s*[-–~]\s*/);
      return { from, to };
    });
    save.mutate({ utcOffsetMin: cal.data!.utcOffsetMin, periods, weekdays: [...form.weekdays].sort(), holidays: dates(form.holidays), workdays: dates(form.workdays) });
  };
  return (
    <form className="calendar-form" onSubmit={submit} data-testid="calendar-form">
      <h3>{t('admin.calendar')}</h3>
      <label>{t('admin.periods')}
        <input data-testid="calendar-periods" value={form.periods} onChange={(e) => setForm({ ...form, periods: e.target.value })} />
      </label>
      <fieldset className="row-wrap">
        <legend>{t('admin.weekdays')}</legend>
        {([1, 2, 3, 4, 5, 6, 7] as const).map((d) => (
          <label key={d} className="row-wrap">
            <input type="checkbox" data-testid={`calendar-weekday-${d}`} checked={form.weekdays.includes(d)}
              onChange={(e) => setForm({ ...form, weekdays: e.target.checked ? [...form.weekdays, d] : form.weekdays.filter((x) => x !== d) })} />
            {t(`admin.weekday${d}` as const)}
          </label>
        ))}
      </fieldset>
      <div className="row-wrap calendar-dates">
        <label>{t('admin.holidays')}
          <textarea rows={4} data-testid="calendar-holidays" placeholder="2027-01-01" value={form.holidays} onChange={(e) => setForm({ ...form, holidays: e.target.value })} />
        </label>
        <label>{t('admin.workdays')}
          <textarea rows={4} data-testid="calendar-workdays" placeholder="2027-02-07" value={form.workdays} onChange={(e) => setForm({ ...form, workdays: e.target.value })} />
        </label>
      </div>
      <p className="muted small">{t('admin.calendarHint')}</p>
      <div className="row-wrap">
        <button type="submit" className="btn primary" data-testid="calendar-save" disabled={save.isPending}>{t('admin.calendarSave')}</button>
        {save.isSuccess && !save.isPending && <span className="small" data-testid="calendar-saved">{t('admin.calendarSaved')}</span>}
        {save.isError && <span className="error small" role="alert" data-testid="calendar-error">{trpcErrorText(save.error)}</span>}
      </div>
    </form>
  );
}
