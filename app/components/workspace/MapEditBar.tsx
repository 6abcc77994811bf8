'use client';
import { useEffect, useRef, useState } from 'react';
import { addItem, DEFAULT_NEW_ITEM, moveTo } from '../../../models/mapEdit';
import type { EditEvent, EditLayer, EditTool } from '../../../scene/edit/editLayer';
import type { MeasureLayer } from '../../../scene/measure/measureLayer';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/zh';
import type { Doc } from '../flood/doc';
import { useEngineSelector } from '../useEngine';
import type { MapEditing } from './useMapEditing';

const TOOLS: { key: string; tool: EditTool; label: MessageKey }[] = [
  { key: 'move', tool: { kind: 'move' }, label: 'edit.move' },
  { key: 'pumps', tool: { kind: 'place', list: 'pumps' }, label: 'edit.pump' },
  { key: 'inflows', tool: { kind: 'place', list: 'inflows' }, label: 'edit.inflow' },
  { key: 'probes', tool: { kind: 'place', list: 'probes' }, label: 'edit.probe' },
  { key: 'barriers', tool: { kind: 'draw', list: 'barriers' }, label: 'edit.barrier' },
  { key: 'roughness', tool: { kind: 'draw', list: 'roughness' }, label: 'edit.roughness' },
  { key: 'drainage', tool: { kind: 'draw', list: 'drainage' }, label: 'edit.drainage' },
];

const keyOf = (t: EditTool | undefined) => (!t || t.kind === 'off' ? 'off' : t.kind === 'move' ? 'move' : t.list);

/**
 * The planner's map editing: a tool per kind of item, the crest of new barriers, undo/redo
 * (buttons and Ctrl+Z / Ctrl+Shift+Z). The map's edits (scene/edit) come back as events and
 * change the draft through models/mapEdit.ts; useMapEditing saves and previews them.
 */
export function MapEditBar({ engine, doc, editing }: { engine: TwinEngine | null; doc: Doc; editing: MapEditing }) {
  const { t } = useI18n();
  // the layer exists once the city has loaded: this re-renders then
  const loaded = useEngineSelector(engine, (e) => e.layer<EditLayer>('edit') !== null);
  const api = (loaded && engine?.layer<EditLayer>('edit')?.api) || null;
  const toolKey = useEngineSelector(engine, (e) => keyOf(e.layer<EditLayer>('edit')?.api.tool())) ?? 'off';
  const drawn = useEngineSelector(engine, (e) => e.layer<EditLayer>('edit')?.api.drawing().length ?? 0) ?? 0;
  const [crest, setCrest] = useState(DEFAULT_NEW_ITEM.crestHeightM);
  const latest = useRef({ editing, crest });
  latest.current = { editing, crest };

  useEffect(() => { api?.setScenario(doc); }, [api, doc]);
  useEffect(() => {
    if (!api) return;
    api.onEdit((e: EditEvent) => {
      const { editing: ed, crest: c } = latest.current;
      if (e.type === 'move') ed.change((d) => moveTo(d, e.ref, e.to), null);
      else ed.change((d) => addItem(d, e.list, e.pts, { ...DEFAULT_NEW_ITEM, crestHeightM: c }), null);
    });
    return () => { api.onEdit(null); api.setTool({ kind: 'off' }); api.setScenario(null); };
  }, [api]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (el && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) return;
      const { editing: ed } = latest.current;
      const z = e.key.toLowerCase() === 'z';
      if ((e.ctrlKey || e.metaKey) && z) { e.preventDefault(); if (e.shiftKey) ed.redo(); else ed.undo(); }
      else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'y') { e.preventDefault(); ed.redo(); }
      else if (e.key === 'Enter' && api?.drawing().length) api.finish();
      else if (e.key === 'Escape' && api) { if (api.drawing().length) api.cancel(); else api.setTool({ kind: 'off' }); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [api]);

  const pickTool = (tool: EditTool, key: string) => {
    if (!api || !engine) return;
    engine.layer<MeasureLayer>('measure')?.api.setTool('off');
    api.setTool(toolKey === key ? { kind: 'off' } : tool);
  };
  const drawing = TOOLS.find((x) => x.key === toolKey)?.tool.kind === 'draw';
  const hint = toolKey === 'off' ? t('edit.auto') : toolKey === 'move' ? t('edit.hintMove') : drawing ? t('edit.hintDraw', { n: drawn }) : t('edit.hintPlace');
  return (
    <div className="map-edit wide" data-testid="map-edit" data-tool={toolKey}>
      <div className="map-edit-head">
        <h4>{t('edit.title')}</h4>
        <button type="button" className="btn small" data-testid="edit-undo" disabled={!editing.canUndo} onClick={editing.undo} title="Ctrl+Z">↶ {t('edit.undo')}</button>
        <button type="button" className="btn small" data-testid="edit-redo" disabled={!editing.canRedo} onClick={editing.redo} title="Ctrl+Shift+Z">↷ {t('edit.redo')}</button>
      </div>
      <div className="map-edit-tools" role="toolbar">
        {TOOLS.map((x) => (
          <button key={x.key} type="button" className={`btn small${toolKey === x.key ? ' on' : ''}`} aria-pressed={toolKey === x.key}
            data-testid={`edit-tool-${x.key}`} title={x.key === 'move' ? t('edit.moveTitle') : undefined} disabled={!api} onClick={() => pickTool(x.tool, x.key)}>
            {t(x.label)}
          </button>
        ))}
        <label className="map-edit-crest small">{t('edit.crest')}
          <input type="number" min={0.1} step={0.1} value={crest} data-testid="edit-crest" onChange={(e) => { const v = Number(e.target.value); if (v > 0) setCrest(v); }} /> m
        </label>
      </div>
      <p className="small muted" data-testid="edit-hint">{hint}</p>
      {drawing && (
        <div className="row">
          <button type="button" className="btn small primary" data-testid="edit-finish" disabled={drawn < (toolKey === 'barriers' ? 2 : 3)} onClick={() => api?.finish()}>{t('edit.finish')}</button>
          <button type="button" className="btn small ghost" onClick={() => api?.cancel()}>{t('edit.cancel')}</button>
        </div>
      )}
      {editing.previewing && <p className="small muted" data-testid="edit-previewing">{t('edit.previewing')}</p>}
    </div>
  );
}
