'use client';
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  IMPORT_ROLES, MAX_UPLOAD_BYTES, type FileMapping, type ImportCheck, type ImportJobRequest, type ImportJobStatus, type ImportRole,
} from '../../models/cityImport';
import { COMPONENT_CLASSES } from '../../models/components';
import { useI18n } from '../i18n';
import { problemText } from '../i18n/importProblems';
import { LangSwitch } from './LangSwitch';
import { filesFromDrop, filesFromInput, importedPaths, takeHandedOffFiles, type PickedFile } from './importFiles';

// The /import page: files in, the check before storing (per-file format, CRS, counts, extent,
// every problem, the class mapping), then confirm; progress and cancel throughout. The server side
// is server/city/import/http.ts.

type Phase = 'idle' | 'uploading' | 'checking' | 'checked' | 'storing' | 'stored' | 'cancelled' | 'error';

function uploadFile(session: string, { file: f, path }: PickedFile, onProgress: (frac: number) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', `/api/import/files?session=${session}&name=${encodeURIComponent(path)}`);
    x.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    x.onload = () => (x.status === 200 ? resolve() : reject(new Error(safeError(x.responseText) ?? `HTTP ${x.status}`)));
    x.onerror = () => reject(new Error(`upload of ${path} failed`));
    signal.addEventListener('abort', () => { x.abort(); reject(new Error('cancelled')); });
    x.send(f);
  });
}
const safeError = (text: string) => { try { return (JSON.parse(text) as { error?: string }).error; } catch { return undefined; } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function ImportPage() {
  const { t, pick, num, lang } = useI18n();
  const session = useMemo(() => `s-${Math.random().toString(36).slice(2, 12)}${Date.now().toString(36)}`, []);
  const [files, setFiles] = useState<PickedFile[]>([]);
  const uploaded = useRef(new Set<string>());
  const [city, setCity] = useState('');
  const [name, setName] = useState('');
  const [crs, setCrs] = useState('');
  const [replace, setReplace] = useState(false);
  const [mapping, setMapping] = useState<Record<string, FileMapping>>({});
  const [phase, setPhase] = useState<Phase>('idle');
  const [progress, setProgress] = useState<{ text: string; frac: number | null }>({ text: '', frac: null });
  const [check, setCheck] = useState<ImportCheck | null>(null);
  const [error, setError] = useState('');
  const ac = useRef<AbortController | null>(null);
  const jobId = useRef<string | null>(null);
  const busy = phase === 'uploading' || phase === 'checking' || phase === 'storing';
  // files dropped on a city's twin: checked against that city at once
  const autoCheck = useRef(false);
  useEffect(() => {
    const h = takeHandedOffFiles();
    if (!h) return;
    setCity(h.city); setFiles(h.files); autoCheck.current = true;
  }, []);

  const addFiles = (list: PickedFile[]) => {
    if (!list.length) return;
    const next = [...files];
    for (const f of list) if (!next.some((g) => g.path === f.path)) next.push(f);
    setFiles(next);
    if (!city && next[0]) setCity(next[0].path.replace(/\/.*$/, '').toLowerCase().replace(/\.[^.]*$/, '').replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'city');
    setCheck(null); setPhase('idle');
  };
  const onDrop = (e: DragEvent) => { e.preventDefault(); void filesFromDrop(e.dataTransfer).then(addFiles); };
  const setMap = (file: string, m: Partial<FileMapping>) => setMapping((old) => ({ ...old, [file]: { ...old[file], ...m } }));

  const run = useCallback(async (commit: boolean) => {
    setError(''); ac.current = new AbortController();
    const signal = ac.current.signal;
    try {
      setPhase('uploading');
      for (const f of files) {
        if (uploaded.current.has(f.path)) continue;
        if (f.file.size > MAX_UPLOAD_BYTES) throw new Error(`${f.path}: ${t('import.limit', { mb: MAX_UPLOAD_BYTES / 1048576 })}`);
        setProgress({ text: t('import.uploading', { file: f.path }), frac: 0 });
        await uploadFile(session, f, (frac) => setProgress({ text: t('import.uploading', { file: f.path }), frac }), signal);
        uploaded.current.add(f.path);
      }
      setPhase(commit ? 'storing' : 'checking');
      const body: ImportJobRequest = {
        session, city, name: name || undefined, crs: crs || undefined, replace, commit,
        files: importedPaths(files), mapping,
      };
      const res = await fetch('/api/import/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
      const job = (await res.json()) as ImportJobStatus & { error?: string };
      if (!res.ok) throw new Error(job.error ?? `HTTP ${res.status}`);
      jobId.current = job.id;
      for (;;) {
        await sleep(300);
        const s = (await (await fetch(`/api/import/jobs/${job.id}`)).json()) as ImportJobStatus;
        const text = s.phase === 'parse' ? t('import.phase.parse', { file: s.file ?? '', features: num(s.features ?? 0) }) : t(`import.phase.${s.phase}`);
        setProgress({ text, frac: s.phase === 'parse' && s.files ? (s.fileIndex ?? 0) / s.files : s.phase === 'done' ? 1 : null });
        if (s.state === 'running') continue;
        jobId.current = null;
        if (s.state === 'cancelled') { setPhase('cancelled'); return; }
        if (s.state === 'failed' || !s.check) throw new Error(s.error ?? 'failed');
        setCheck(s.check);
        setPhase(commit && s.check.ok ? 'stored' : 'checked');
        return;
      }
    } catch (e) {
      if (signal.aborted) { setPhase('cancelled'); return; }
      setError((e as Error).message); setPhase('error');
    }
  }, [files, session, city, name, crs, replace, mapping, t, num]);

  useEffect(() => {
    if (!autoCheck.current || !files.length || !city) return;
    autoCheck.current = false;
    void run(false);
  }, [files, city, run]);

  const cancel = () => {
    ac.current?.abort();
    if (jobId.current) void fetch(`/api/import/jobs/${jobId.current}`, { method: 'DELETE' });
  };

  const s = check?.summary;
  return (
    <div className="home import-page" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <header className="topbar">
        <div className="brand">
          <Link href="/" className="brand-mark" aria-label={t('twin.back')}>◈</Link>
          <div><h1>{t('import.title')}</h1><p className="muted">{t('import.intro')}</p></div>
        </div>
        <LangSwitch />
      </header>
      <main className="home-main import-main">
        <section className="import-form">
          <label>{t('import.city')}<input data-testid="import-city" value={city} onChange={(e) => setCity(e.target.value)} placeholder="my-city" /></label>
          <label>{t('import.name')}<input data-testid="import-name" value={name} onChange={(e) => setName(e.target.value)} /></label>
          <label>{t('import.crs')}<input data-testid="import-crs" value={crs} onChange={(e) => setCrs(e.target.value)} placeholder="EPSG:4326" /></label>
          <label className="check"><input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} />{t('import.replace')}</label>
        </section>
        <div className="dropzone" data-testid="import-drop">
          {t('import.drop')} <label className="btn">{t('import.pick')}<input data-testid="import-files" type="file" multiple hidden onChange={(e) => addFiles(filesFromInput(e.target.files))} /></label>
          <label className="btn">{t('import.pickFolder')}<input data-testid="import-folder" type="file" hidden {...({ webkitdirectory: '' } as object)} onChange={(e) => addFiles(filesFromInput(e.target.files))} /></label>
          <span className="muted small">{t('import.limit', { mb: MAX_UPLOAD_BYTES / 1048576 })}</span>
          {files.length > 0 && <ul className="small mono">{files.slice(0, 12).map((f) => <li key={f.path}>{f.path} · {num(f.file.size / 1024, 0)} KB</li>)}{files.length > 12 && <li>{t('import.moreFiles', { n: files.length - 12 })}</li>}</ul>}
        </div>
        <div className="import-actions">
          <button type="button" className="btn primary" data-testid="import-check" disabled={busy || !files.length || !city} onClick={() => run(false)}>{check ? t('import.recheck') : t('import.check')}</button>
          <button type="button" className="btn primary" data-testid="import-store" disabled={busy || !check?.ok} onClick={() => run(true)}>{t('import.store')}</button>
          {busy && <button type="button" className="btn" data-testid="import-cancel" onClick={cancel}>{t('import.cancel')}</button>}
        </div>
        {busy && (
          <div className="import-progress" data-testid="import-progress">
            <span>{progress.text}</span>
            <progress max={1} value={progress.frac ?? undefined} />
          </div>
        )}
        {phase === 'cancelled' && <p className="muted" data-testid="import-cancelled">{t('import.cancelled')}</p>}
        {phase === 'error' && <p className="error" data-testid="import-error">{t('import.error', { message: error })}</p>}
        {check && (
          <section className="import-report" data-testid="import-report">
            {phase === 'stored' ? (
              <p data-testid="import-stored">{t('import.stored', { city })} <Link className="btn primary" href={`/twin/${city}`}>{t('import.open')} →</Link></p>
            ) : check.ok ? <p data-testid="import-ok">{t('import.ok')}</p> : <p className="error" data-testid="import-failed">{t('import.failed', { errors: s!.errors })}</p>}
            {s && check.ok && <p className="muted">{t('import.summary', { buildings: num(s.buildings), components: num(s.components), unitGrids: num(s.unitGrids), cols: s.terrain.cols, rows: s.terrain.rows, cellSize: num(s.terrain.cellSize, 2), tilesets: s.tilesets })}</p>}
            <div className="import-files">
              <table className="small">
                <thead><tr>{(['file', 'format', 'role', 'crs', 'features', 'accepted', 'mapping'] as const).map((k) => <th key={k}>{t(`import.col.${k}`)}</th>)}</tr></thead>
                <tbody>
                  {check.files.map((f) => (
                    <tr key={f.file} data-testid={`import-file-${f.file}`}>
                      <td className="mono">{f.file}</td><td>{f.format}</td>
                      <td>
                        {f.role === 'tileset' ? t('import.role.tileset') : (
                          <select value={mapping[f.file]?.as ?? f.role} onChange={(e) => setMap(f.file, { as: e.target.value as ImportRole })}>
                            {IMPORT_ROLES.map((r) => <option key={r} value={r}>{t(`import.role.${r}`)}</option>)}
                          </select>
                        )}
                      </td>
                      <td>{f.crs ? `EPSG:${f.crs}` : '?'} <span className="muted">({t(`import.crs.${f.crsSource}`)})</span></td>
                      <td className="mono">{num(f.features)}</td><td className="mono">{num(f.accepted)}</td>
                      <td>{(mapping[f.file]?.as ?? f.role) === 'components' && <ClassMapping fields={f.fields} values={f.classValues} m={mapping[f.file] ?? {}} set={(m) => setMap(f.file, m)} pick={pick} t={t} />}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Footprint files={check.files} label={t('import.footprint')} />
            </div>
            {check.files.filter((f) => f.leftOut).map((f) => <p key={f.file} className="muted small" data-testid="import-left-out">{t('import.leftOut', { file: f.file, n: num(f.leftOut!) })}</p>)}
            <h3>{t('import.problems', { errors: s!.errors, warnings: s!.warnings })}</h3>
            <ol className="import-problems small" data-testid="import-problems">
              {check.problems.slice(0, 300).map((p, i) => (
                <li key={i} className={p.severity}>
                  <span className="mono">{p.file}</span>
                  {p.index !== undefined && <> · {t('import.problem.feature', { index: p.index })}</>}
                  {p.line && <> · {t('import.problem.line', { line: p.line })}</>}
                  {p.field && <> · <span className="mono">{p.field}</span></>}: {problemText(p.message, lang)}
                </li>
              ))}
            </ol>
            {check.problems.length + check.moreProblems > 300 && <p className="muted small">{t('import.more', { n: check.problems.length + check.moreProblems - 300 })}</p>}
          </section>
        )}
      </main>
    </div>
  );
}

type T = ReturnType<typeof useI18n>['t'];
function ClassMapping({ fields, values, m, set, pick, t }: { fields: string[]; values?: Record<string, number>; m: FileMapping; set: (m: Partial<FileMapping>) => void; pick: (x: { zh: string; en: string }) => string; t: T }) {
  const classOptions = COMPONENT_CLASSES.map((c) => <option key={c.code} value={c.code}>{c.code} {pick(c)}</option>);
  return (
    <div className="class-map">
      <label>{t('import.class')}
        <select data-testid="map-class" value={m.class ?? ''} onChange={(e) => set({ class: e.target.value || undefined })}><option value="">{t('import.none')}</option>{classOptions}</select>
      </label>
      <label>{t('import.classField')}
        <select data-testid="map-class-field" value={m.classField ?? ''} onChange={(e) => set({ classField: e.target.value || undefined })}><option value="">{t('import.none')}</option>{fields.map((f) => <option key={f}>{f}</option>)}</select>
      </label>
      {m.classField && values && Object.entries(values).slice(0, 30).map(([v, n]) => (
        <label key={v} className="value-map"><span className="mono">{v || '""'} ({n})</span>
          <select value={m.classes?.[v] === null ? '-' : m.classes?.[v] ?? ''} onChange={(e) => set({ classes: { ...m.classes, [v]: e.target.value === '-' ? null : e.target.value } })}>
            <option value="">{t('import.none')}</option><option value="-">{t('import.leaveOut')}</option>{classOptions}
          </select>
        </label>
      ))}
      {m.classField && values && (
        <label className="value-map"><span>{t('import.otherValues')}</span>
          <select data-testid="map-other-values" value={m.classes?.['*'] === null ? '-' : m.classes?.['*'] ?? ''} onChange={(e) => set({ classes: otherValues(m.classes, e.target.value) })}>
            <option value="">{t('import.none')}</option><option value="-">{t('import.leaveOut')}</option>{classOptions}
          </select>
        </label>
      )}
      <p className="muted small" data-testid="class-note">{t('import.classNote')}</p>
    </div>
  );
}

/** the mapping's "*" entry (every value not listed): a class, left out ('-'), or none ('') */
function otherValues(classes: FileMapping['classes'], v: string): FileMapping['classes'] {
  const next = { ...classes };
  if (v === '') delete next['*'];
  else next['*'] = v === '-' ? null : v;
  return next;
}

/** the files' extents, drawn to scale in one frame */
function Footprint({ files, label }: { files: ImportCheck['files']; label: string }) {
  const bs = files.map((f) => f.bounds).filter((b): b is [number, number, number, number] => !!b);
  if (!bs.length) return null;
  const w = Math.min(...bs.map((b) => b[0])), s = Math.min(...bs.map((b) => b[1])), e = Math.max(...bs.map((b) => b[2])), n = Math.max(...bs.map((b) => b[3]));
  const k = Math.cos(((s + n) / 2) * Math.PI / 180);
  const W = Math.max((e - w) * k, 1e-9), H = Math.max(n - s, 1e-9), sc = 200 / Math.max(W, H);
  return (
    <figure className="footprint" data-testid="import-footprint">
      <svg width={W * sc + 20} height={H * sc + 20} role="img" aria-label={label}>
        {bs.map((b, i) => <rect key={i} x={10 + (b[0] - w) * k * sc} y={10 + (n - b[3]) * sc} width={Math.max(2, (b[2] - b[0]) * k * sc)} height={Math.max(2, (b[3] - b[1]) * sc)} className={`fp fp${i % 5}`} />)}
      </svg>
      <figcaption className="muted small">{label}: {w.toFixed(4)}, {s.toFixed(4)} — {e.toFixed(4)}, {n.toFixed(4)}</figcaption>
    </figure>
  );
}
