// Cases in the database (migrations/005_cases.sql): report, list, read, take a step, photos.
// Every step is one transaction on the locked case row with a version check, so two people
// acting on the same case cannot both succeed, and an answered step is committed.
import { randomUUID } from 'node:crypto';
import type { SessionUser } from '../../models/accounts';
import type { CaseDetail, CaseDispatchManyInput, CaseDispatchManyResult, CaseRecord, CaseReportInput, CaseStepInput } from '../../models/caseApi';
import {
  availableActions, CASE_CLASSES, CASE_STEPS, caseNumber, DEFAULT_HANDLING, caseTransition, stepLimit, type CaseAction, type CaseKind, type CaseState,
} from '../../models/cases';
import { limitState, workCalendarSchema, type WorkCalendar } from '../../models/workCalendar';
import type { Db } from '../db';
import type { CaseIndicatorsInput, IndicatorRow } from '../../models/caseIndicators';
import { caseIndicators } from './indicators';
import { makeThumb } from './thumbs';
import { MemoryPhotoStore, photoKeys, type PhotoStore } from './photoStore';
import { unitGridAt } from './place';
import type { FloodWarnings } from './flood';
import { InputError, NotFoundError, type Twin } from '../twin';
import { AuthError } from '../accounts/store';
import { openSensorCases } from './sensorOpen';
import { STATE_CODE } from '../../models/components';
import { STATE_MASK } from '../../models/live';

interface CaseRow {
  id: string; number: string; city: string; kind: CaseKind; class_code: string; state: CaseState; description: string;
  lon_deg: number | null; lat_deg: number | null; component_code: string | null; unit_grid_code: string | null; department: string | null;
  source: string; reported_at: Date | string; state_since: Date | string; extension_ms: number | string; rework_count: number; version: number;
}
const iso = (d: Date | string) => new Date(d).toISOString();
/** The server itself taking a step (a sensor reporting a component intact again): no role check. */
interface SystemActor { system: true; name: string; role: string }
const SENSOR_ACTOR: SystemActor = { system: true, name: 'sensor', role: 'sensor' };

export class CaseStore {
  /** set by app.ts: flood warning cases and their per-scenario setting */
  floodWarnings: FloodWarnings | null = null;

  /** where photo bytes live (app.ts: photoStoreFor(DATA_DIR)); tests may put a failing one here */
  photos: PhotoStore;

  constructor(private readonly db: Db, private readonly twin: Twin, private readonly now: () => number = Date.now, photos?: PhotoStore) {
    this.photos = photos ?? new MemoryPhotoStore();
  }

  /** The working calendar (settings key workCalendar; the default: Monday-Friday 9-12, 13-18, UTC+8). */
  async calendar(): Promise<WorkCalendar> {
    const { rows } = await this.db.query<{ value: unknown }>("select value from settings where key = 'workCalendar'");
    return workCalendarSchema.parse(rows[0]?.value ?? {});
  }

  async setCalendar(cal: WorkCalendar): Promise<WorkCalendar> {
    await this.db.query("insert into settings (key, value, updated_at) values ('workCalendar', $1::jsonb, now()) on conflict (key) do update set value = $1::jsonb, updated_at = now()", [JSON.stringify(cal)]);
    return this.calendar();
  }

  /** Indicators per department, unit grid or responsibility grid over a period (server/cases/indicators.ts). */
  async indicators(input: CaseIndicatorsInput): Promise<IndicatorRow[]> {
    return caseIndicators(this.db, this.twin, await this.calendar(), input, this.now());
  }

  /** `place.unitGridCode`: the server's own reports (a flood run's warning) name their unit grid. */
  async report(input: CaseReportInput, actor: SessionUser | null, source: string, place0: { unitGridCode?: string } = {}): Promise<CaseRecord> {
    // a sensor's component may be of any component class (the default handling limit then applies)
    const cls = CASE_CLASSES.find((c) => c.code === input.classCode) ?? (source === 'sensor' ? { kind: 'component' as const } : undefined);
    if (!cls) throw new InputError(`unknown case class ${input.classCode} (classes: ${CASE_CLASSES.map((c) => c.code).join(', ')})`, ['classCode']);
    if (cls.kind !== input.kind) throw new InputError(`class ${input.classCode} is a${cls.kind === 'event' ? 'n event' : ' component'} class`, ['kind']);
    let place = { lon: input.lonDeg ?? null, lat: input.latDeg ?? null, grid: place0.unitGridCode ?? null, department: null as string | null };
    if (input.componentCode) {
      const c = await this.twin.component(input.city, await this.twin.componentIndex(input.city, input.componentCode));
      place = { lon: input.lonDeg ?? c.lonDeg, lat: input.latDeg ?? c.latDeg, grid: c.unitGridCode, department: c.maintainerDept.zh };
    } else if (place.lon === null || place.lat === null) {
      throw new InputError('a report needs a place: a component code, or lonDeg and latDeg', ['lonDeg']);
    } else {
      const city = await this.twin.city(input.city); // NotFound for an unknown city
      place.grid ??= unitGridAt(city.data, place.lon, place.lat);
    }
    const now = this.now();
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      const prefix = caseNumber(input.kind, input.classCode, now, 1).slice(0, -4);
      const { rows } = await tx.query<{ n: number }>('insert into case_sequences (prefix, n) values ($1, 1) on conflict (prefix) do update set n = case_sequences.n + 1 returning n', [prefix]);
      const number = caseNumber(input.kind, input.classCode, now, rows[0]!.n);
      await tx.query(
        `insert into cases (id, number, city, kind, class_code, state, description, lon_deg, lat_deg, component_code, unit_grid_code, department, source, reported_by, reported_at, state_since)
         values ($1, $2, $3, $4, $5, 'reported', $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)`,
        [id, number, input.city, input.kind, input.classCode, input.description, place.lon, place.lat, input.componentCode ?? null, place.grid, place.department, source, actor?.id ?? null, new Date(now)]);
      await tx.query('insert into case_steps (case_id, action, from_state, to_state, actor_id, actor_name, actor_role, note, at) values ($1, $2, null, $3, $4, $5, $6, $7, $8)',
        [id, 'report', 'reported', actor?.id ?? null, actor?.name ?? source, actor?.role ?? source, null, new Date(now)]);
    });
    return this.record(await this.row(id), actor, await this.calendar());
  }

  /**
   * Components in alarm, damaged or missing now (real telemetry) open one case each: none while a
   * sensor case for it is open (checked here, and by a unique index across processes). Many at
   * once (./sensorOpen.ts); returns the numbers of the cases opened.
   */
  openSensorCases(city: string, indices: Iterable<number>): Promise<string[]> {
    return openSensorCases(this.db, this.twin, city, indices, this.now());
  }

  /** Newest first; `max` null: all of them (the cockpit's counts), else the newest `max` (the desk's list). */
  async list(city: string, states: CaseState[] | undefined, viewer: SessionUser, max: number | null = 500): Promise<CaseRecord[]> {
    const params: unknown[] = [city];
    let where = 'city = $1';
    if (states?.length) { params.push(states); where += ` and state = any($${params.length})`; }
    // a department handler sees its own department's cases only
    if (viewer.role === 'department') { params.push(viewer.department); where += ` and department = $${params.length}`; }
    const { rows } = await this.db.query<CaseRow>(`select * from cases where ${where} order by reported_at desc${max === null ? '' : ` limit ${Math.max(0, Math.floor(max))}`}`, params);
    const cal = await this.calendar();
    return rows.map((r) => this.record(r, viewer, cal));
  }

  async get(id: string, viewer: SessionUser): Promise<CaseDetail> {
    const row = await this.row(id);
    this.mayRead(row, viewer);
    const steps = await this.db.query<{ action: string; from_state: string | null; to_state: string; actor_name: string; actor_role: string; note: string | null; at: Date | string }>(
      'select * from case_steps where case_id = $1 order by id', [id]);
    const photos = await this.db.query<{ id: string; phase: 'before' | 'after'; mime: string; size: number; created_at: Date | string }>(
      'select id, phase, mime, size, created_at from case_photos where case_id = $1 order by created_at', [id]);
    return {
      ...this.record(row, viewer, await this.calendar()),
      responsibilityGrid: await this.responsibilityGrid(row.city, row.unit_grid_code),
      steps: steps.rows.map((s) => ({ action: s.action, fromState: s.from_state, toState: s.to_state, actorName: s.actor_name, actorRole: s.actor_role, note: s.note, at: iso(s.at) })),
      photos: photos.rows.map((p) => ({ id: p.id, phase: p.phase, mime: p.mime, size: p.size, createdAt: iso(p.created_at) })),
    };
  }

  /** Takes one step of the loop, or refuses it with the reason (role, state, department, stale version). */
  async step(input: CaseStepInput, actor: SessionUser): Promise<CaseRecord> {
    const now = this.now();
    await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<CaseRow>('select * from cases where id = $1 for update', [input.id]);
      const row = rows[0];
      if (!row) throw new NotFoundError(`no case ${input.id}`);
      const refusal = await this.stepIn(tx, row, input, actor, now);
      if (refusal) throw refusal;
    });
    return this.record(await this.row(input.id), actor, await this.calendar());
  }

  /**
   * Bulk dispatch: the cases that may be dispatched go to `department` in one transaction; each
   * one refused (role, state, stale version, unknown) is listed with the reason and left as it was.
   */
  async dispatchMany(input: CaseDispatchManyInput, actor: SessionUser): Promise<CaseDispatchManyResult> {
    const now = this.now();
    const refused: CaseDispatchManyResult['refused'] = [];
    const done: string[] = [];
    await this.db.transaction(async (tx) => {
      // locked in one order, so two bulk dispatches over the same cases cannot deadlock
      const { rows } = await tx.query<CaseRow>('select * from cases where id = any($1) order by id for update', [input.items.map((i) => i.id)]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const it of input.items) {
        const row = byId.get(it.id);
        if (!row) { refused.push({ id: it.id, number: null, reason: `no case ${it.id}` }); continue; }
        const refusal = await this.stepIn(tx, row, { id: it.id, version: it.version, action: 'dispatch', department: input.department, note: input.note }, actor, now);
        if (refusal) refused.push({ id: it.id, number: row.number, reason: refusal.message });
        else done.push(it.id);
      }
    });
    const cal = await this.calendar();
    const dispatched = await Promise.all(done.map(async (id) => this.record(await this.row(id), actor, cal)));
    return { dispatched, refused };
  }

  /** One step on a locked row inside a transaction; the refusal (not thrown) when it may not be taken. */
  private async stepIn(tx: Pick<Db, 'query'>, row: CaseRow, input: CaseStepInput, actor: SessionUser | SystemActor, now: number): Promise<Error | null> {
    let to: CaseState;
    if ('system' in actor) {
      to = CASE_STEPS[input.action].to === 'same' ? row.state : CASE_STEPS[input.action].to as CaseState;
    } else {
      const r = caseTransition(row.state, input.action, actor, row.department);
      if (!r.ok) return new AuthError(`case ${row.number}: ${r.reason}`, 403);
      to = r.to;
    }
    if (row.version !== input.version) return new InputError(`case ${row.number} changed since you saw it (version ${row.version}, not ${input.version}): reload it`, ['version']);
    const changed = to !== row.state || input.action === 'checkFail';
    const granted = input.action === 'grantExtension' ? input.extensionHours! * 3600_000 : 0;
    const extension = changed ? 0 : Number(row.extension_ms) + granted;
    await tx.query(
      `update cases set state = $2, state_since = $3, extension_ms = $4, rework_count = rework_count + $5, department = $6, version = version + 1, updated_at = now() where id = $1`,
      [row.id, to, changed ? new Date(now) : row.state_since, extension, input.action === 'checkFail' ? 1 : 0, input.action === 'dispatch' ? input.department : row.department]);
    const note = [input.note, input.action === 'dispatch' ? `→ ${input.department}` : null, granted ? `+${input.extensionHours} h` : null].filter(Boolean).join(' ') || null;
    await tx.query('insert into case_steps (case_id, action, from_state, to_state, actor_id, actor_name, actor_role, note, at, extension_ms) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      [row.id, input.action, row.state, to, 'system' in actor ? null : actor.id, actor.name, actor.role, note, new Date(now), granted]);
    return null;
  }

  /**
   * A component that reported alarm/damaged/missing reports intact again: its open sensor case,
   * while with the department (dispatched, handling), is reported back by the sensor, so the
   * inspector's on-site check confirms it and the shift lead closes it (STANDARDS.md loop).
   * Returns the numbers of the cases moved.
   */
  async sensorIntact(city: string, indices: ReadonlySet<number>): Promise<string[]> {
    // the open sensor cases with a department are few; intact reports are many: start from the cases
    const open = await this.db.query<{ component_code: string }>(
      "select component_code from cases where city = $1 and source = 'sensor' and state in ('dispatched', 'handling')", [city]);
    const rt = await this.twin.city(city);
    const codes: string[] = [];
    for (const { component_code: code } of open.rows) {
      const i = rt.codeIndex.get(code);
      if (i !== undefined && indices.has(i) && (rt.live.states[i]! & STATE_MASK) === STATE_CODE.intact) codes.push(code);
    }
    if (!codes.length) return [];
    const moved: string[] = [];
    await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<CaseRow>(
        "select * from cases where city = $1 and source = 'sensor' and component_code = any($2) and state in ('dispatched', 'handling') order by id for update", [city, codes]);
      for (const row of rows) {
        const err = await this.stepIn(tx, row, { id: row.id, version: row.version, action: 'reportBack', note: '部件恢复完好 (the component reports intact again)' }, SENSOR_ACTOR, this.now());
        if (!err) moved.push(row.number);
      }
    });
    return moved;
  }

  /**
   * Stores a photo and its thumbnail: the bytes first (durable when put() resolves), then the row,
   * so an answered upload is complete; a failure on the way removes what was written.
   */
  async addPhoto(id: string, phase: 'before' | 'after', mime: string, bytes: Uint8Array, actor: SessionUser): Promise<string> {
    const row = await this.row(id);
    this.mayRead(row, actor);
    // after the access check: nobody who may not see the case makes the server decode an image
    const thumb = await makeThumb(bytes);
    const photoId = randomUUID();
    const keys = photoKeys(id, photoId);
    try {
      await this.photos.put(keys.full, bytes);
      await this.photos.put(keys.thumb, thumb);
      await this.db.query('insert into case_photos (id, case_id, phase, mime, size, uploaded_by, store, has_thumb) values ($1, $2, $3, $4, $5, $6, $7, true)',
        [photoId, id, phase, mime, bytes.byteLength, actor.id, this.photos.kind]);
    } catch (err) {
      await Promise.all([this.photos.remove(keys.full), this.photos.remove(keys.thumb)]).catch(() => {});
      throw err;
    }
    return photoId;
  }

  /** A photo, for someone who may see its case (the thumbnail: the photo itself when it has none). */
  async photo(id: string, photoId: string, viewer: SessionUser, size: 'full' | 'thumb' = 'full'): Promise<{ mime: string; bytes: Uint8Array }> {
    this.mayRead(await this.row(id), viewer);
    const { rows } = await this.db.query<{ mime: string; store: string | null; has_thumb: boolean; bytes: Uint8Array | null; thumb: Uint8Array | null }>(
      `select mime, store, has_thumb, ${size === 'thumb' ? 'thumb, null as bytes' : 'bytes, null as thumb'} from case_photos where id = $1 and case_id = $2`, [photoId, id]);
    const r = rows[0];
    if (!r) throw new NotFoundError(`no photo ${photoId} in case ${id}`);
    if (r.store === null) { // not moved out of the row yet (photoMove.ts does it at start-up)
      if (size === 'thumb' && r.thumb) return { mime: 'image/webp', bytes: r.thumb };
      if (size === 'thumb') return this.photo(id, photoId, viewer, 'full');
      return { mime: r.mime, bytes: r.bytes! };
    }
    if (r.store !== this.photos.kind) throw new Error(`photo ${photoId} is in the ${r.store} store; this server uses ${this.photos.kind}`);
    if (size === 'thumb' && !r.has_thumb) return this.photo(id, photoId, viewer, 'full');
    const keys = photoKeys(id, photoId);
    const bytes = await this.photos.get(size === 'thumb' ? keys.thumb : keys.full);
    if (!bytes) throw new Error(`photo ${photoId} of case ${id}: its ${size === 'thumb' ? 'thumbnail' : 'file'} is missing from the ${r.store} store`);
    return { mime: size === 'thumb' ? 'image/webp' : r.mime, bytes };
  }

  /** Cases that came in through Open311 (the only ones its public API lists), newest first. */
  async open311Cases(f: { numbers?: string[]; serviceCode?: string }): Promise<(CaseRow & { updated_at: Date | string })[]> {
    const params: unknown[] = [];
    let where = "source = 'open311'";
    if (f.numbers?.length) { params.push(f.numbers); where += ` and number = any($${params.length})`; }
    if (f.serviceCode) { params.push(f.serviceCode); where += ` and class_code = $${params.length}`; }
    return (await this.db.query<CaseRow & { updated_at: Date | string }>(`select * from cases where ${where} order by reported_at desc limit 1000`, params)).rows;
  }

  /** the responsibility grid a unit grid belongs to, from the city's data */
  private async responsibilityGrid(city: string, unitGrid: string | null): Promise<{ code: string; name: { zh: string; en: string } } | null> {
    if (!unitGrid) return null;
    const d = (await this.twin.city(city).catch(() => null))?.data;
    const g = d?.unitGrids.find((u) => u.code === unitGrid);
    const r = g && d!.responsibilityGrids[g.responsibilityGrid];
    return r ? { code: r.code, name: r.name } : null;
  }

  private mayRead(row: CaseRow, viewer: SessionUser) {
    if (viewer.role === 'department' && row.department !== viewer.department) throw new AuthError(`case ${row.number} is not with your department`, 403);
  }

  private async row(id: string): Promise<CaseRow> {
    const { rows } = await this.db.query<CaseRow>('select * from cases where id = $1', [id]);
    if (!rows[0]) throw new NotFoundError(`no case ${id}`);
    return rows[0];
  }

  private record(r: CaseRow, viewer: SessionUser | null, cal: WorkCalendar): CaseRecord {
    const handling = CASE_CLASSES.find((c) => c.code === r.class_code)?.handling ?? DEFAULT_HANDLING;
    const limit = stepLimit(r.state, handling);
    const ls = limit ? limitState(cal, new Date(r.state_since).getTime(), limit, this.now(), Number(r.extension_ms)) : null;
    const mine = !viewer || viewer.role !== 'department' || viewer.department === r.department;
    return {
      id: r.id, number: r.number, city: r.city, kind: r.kind, classCode: r.class_code, state: r.state, description: r.description,
      lonDeg: r.lon_deg, latDeg: r.lat_deg, componentCode: r.component_code, unitGridCode: r.unit_grid_code, department: r.department,
      source: r.source, reportedAt: iso(r.reported_at), stateSince: iso(r.state_since), reworkCount: r.rework_count, version: r.version,
      limit: ls && { deadline: new Date(ls.deadline).toISOString(), leftMs: ls.leftMs, colour: ls.colour },
      actions: viewer && mine ? availableActions(r.state, viewer.role) : ([] as CaseAction[]),
    };
  }
}
