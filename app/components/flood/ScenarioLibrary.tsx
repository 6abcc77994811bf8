'use client';
import { useState } from 'react';
import type { ScenarioRecord } from '../../../models/runs';
import { useI18n } from '../../i18n';

/** The city's scenarios: pick one to edit; new, duplicate, rename, delete (after a confirm). */
export function ScenarioLibrary(p: {
  records: ScenarioRecord[]; loading: boolean; selectedId: string | null; dirtyIds: Set<string>; busy: boolean;
  /** no new, duplicate, rename or delete (the role may not change scenarios) */
  readOnly?: boolean;
  onSelect(id: string): void; onNew(): void; onDuplicate(id: string): void; onRename(id: string, name: string): void; onDelete(id: string): void;
  /** "start from now": opens the forecast form (components/forecast) */
  onForecast?(): void;
}) {
  const { t, date } = useI18n();
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const sel = p.records.find((r) => r.id === p.selectedId) ?? null;
  return (
    <section className="lib">
      <div className="lib-head">
        <h3>{t('lib.title')}</h3>
        {!p.readOnly && (
          <span className="lib-head-actions">
            {p.onForecast && <button type="button" className="btn small" data-testid="forecast-open" title={t('fc.openTitle')} disabled={p.busy} onClick={p.onForecast}>{t('fc.open')}</button>}
            <button type="button" className="btn small primary" data-testid="scenario-new" disabled={p.busy} onClick={p.onNew}>+ {t('lib.new')}</button>
          </span>
        )}
      </div>
      {p.loading && <p className="muted small">{t('inspector.loading')}</p>}
      {!p.loading && p.records.length === 0 && <p className="muted small">{t('lib.empty')}</p>}
      <ul className="lib-list" role="listbox" aria-label={t('lib.title')}>
        {p.records.map((r) => (
          <li key={r.id} role="option" aria-selected={r.id === p.selectedId} data-testid="scenario-item" className={r.id === p.selectedId ? 'on' : ''}
            onClick={() => p.onSelect(r.id)}>
            {renaming?.id === r.id ? (
              <form className="lib-rename" onSubmit={(e) => { e.preventDefault(); p.onRename(r.id, renaming.name); setRenaming(null); }}>
                <input autoFocus type="text" value={renaming.name} maxLength={120} aria-label={t('lib.rename')} onChange={(e) => setRenaming({ id: r.id, name: e.target.value })}
                  onKeyDown={(e) => { if (e.key === 'Escape') setRenaming(null); }} onClick={(e) => e.stopPropagation()} />
                <button type="submit" className="btn small">{t('lib.ok')}</button>
              </form>
            ) : (
              <>
                <span className="lib-name">{r.scenario.forecast !== undefined && <span className="fc-badge" data-testid="forecast-badge">{t('fc.badge')}</span>} {r.name}{p.dirtyIds.has(r.id) && <span className="dirty" title={t('editor.unsaved')}> ●</span>}</span>
                <span className="lib-date muted">{date(r.updatedAt)}</span>
              </>
            )}
          </li>
        ))}
      </ul>
      {sel && !p.readOnly && (
        confirmDelete === sel.id ? (
          <div className="lib-actions confirm" data-testid="scenario-delete-confirm">
            <span>{t('lib.deleteAsk', { name: sel.name })}</span>
            <button type="button" className="btn small danger" onClick={() => { p.onDelete(sel.id); setConfirmDelete(null); }}>{t('lib.delete')}</button>
            <button type="button" className="btn small ghost" onClick={() => setConfirmDelete(null)}>{t('lib.cancel')}</button>
          </div>
        ) : (
          <div className="lib-actions">
            <button type="button" className="btn small" disabled={p.busy} data-testid="scenario-duplicate" onClick={() => p.onDuplicate(sel.id)}>{t('lib.duplicate')}</button>
            <button type="button" className="btn small" disabled={p.busy} data-testid="scenario-rename" onClick={() => setRenaming({ id: sel.id, name: sel.name })}>{t('lib.rename')}</button>
            <button type="button" className="btn small ghost" disabled={p.busy} data-testid="scenario-delete" onClick={() => setConfirmDelete(sel.id)}>{t('lib.delete')}</button>
          </div>
        )
      )}
    </section>
  );
}
