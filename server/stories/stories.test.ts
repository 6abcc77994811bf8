import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../db';
import { appRouter } from '../trpc/router';
import type { Context } from '../trpc/init';
import type { Role } from '../../models/accounts';
import type { StoryScene } from '../../models/story';
import { StoryStore } from './store';
import { startTestPostgres } from '../db/testPostgres';

// The stories router in process: who may read drafts and change stories (the server's guard,
// not the UI), what bad input is told, and what publishing changes for the public list.

let db: Db;
let stories: StoryStore;

function as(role: Role | null) {
  const ctx = {
    twin: null as never, token: null, ingestToken: 'x', runs: null, accounts: null, cases: null, stories,
    user: role ? { id: '00000000-0000-4000-8000-000000000001', name: `a-${role}`, role, department: null } : null,
    sessionToken: null, setCookie: () => {}, secure: false,
  } satisfies Context;
  return appRouter.createCaller(ctx).stories;
}

const scene = (over: Partial<StoryScene> = {}): StoryScene => ({
  view: { camera: { lonDeg: 116.4, latDeg: 39.9, heightM: 800, headingDeg: 10, pitchDeg: -40, rollDeg: 0 }, layersOff: ['grids'] },
  caption: { zh: '老城区', en: 'The old town' }, durationS: 6, flightS: 2, ...over,
});
const input = { city: 'town', title: { zh: '暴雨', en: 'The storm' }, scenes: [scene(), scene({ timeToS: 1800, view: { run: '00000000-0000-4000-8000-00000000abcd', timeS: 0 } })] };

// the same on the embedded PGlite and on a real PostgreSQL (migration 014 and the queries)
describe.each(['pglite', 'postgres'] as const)('stories router on %s', (kind) => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>> | undefined;
  beforeAll(async () => {
    if (kind === 'postgres') pg = await startTestPostgres();
    db = await openDb(pg ? { url: pg.url } : {}); // migrated
    await db.query(`insert into cities (slug, meta, counts) values ('town', '{}', '{}'), ('other', '{}', '{}')`);
    stories = new StoryStore(db);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    pg?.stop();
  });

  it('a planner saves a draft: only planners see it, until it is published', async () => {
    const s = await as('planner').save(input);
    expect(s).toMatchObject({ city: 'town', published: false, updatedBy: 'a-planner', title: input.title });
    expect(s.scenes[1]!.timeToS).toBe(1800);
    expect((await as('planner').list({ city: 'town' })).map((x) => x.id)).toContain(s.id);
    for (const role of [null, 'kiosk', 'viewer', 'presenter'] as const) {
      expect((await as(role).list({ city: 'town' })).map((x) => x.id)).not.toContain(s.id);
      await expect(as(role).get({ id: s.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    const pub = await as('administrator').publish({ id: s.id, published: true });
    expect(pub.published).toBe(true);
    for (const role of [null, 'kiosk', 'viewer'] as const) {
      expect((await as(role).published({ city: 'town' })).map((x) => x.id)).toEqual([s.id]);
      expect((await as(role).get({ id: s.id })).scenes).toHaveLength(2);
    }
    expect(await as('kiosk').published({ city: 'other' })).toEqual([]);
    await as('planner').publish({ id: s.id, published: false });
    expect(await as(null).published({ city: 'town' })).toEqual([]);
  });

  it('every change is refused to other roles and to anonymous visitors, by the server', async () => {
    const s = await as('planner').save(input);
    for (const role of ['kiosk', 'viewer', 'presenter', 'dispatcher'] as const) {
      // the kiosk is refused every change by one guard before the procedure's own role check
      const why = role === 'kiosk' ? 'the role kiosk' : 'needs the role planner or administrator';
      await expect(as(role).save(input)).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining(why) });
      await expect(as(role).save({ ...input, id: s.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(as(role).publish({ id: s.id, published: true })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(as(role).remove({ id: s.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(as(null).remove({ id: s.id })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await as('planner').get({ id: s.id })).published).toBe(false);
  });

  it('bad input is refused with what and where; nothing is stored', async () => {
    const before = (await as('planner').list({ city: 'town' })).length;
    const bad = async (v: unknown) => {
      const err = await as('planner').save(v as typeof input).then(() => null, (e: unknown) => e as { code: string; message: string });
      expect(err?.code).toBe('BAD_REQUEST');
      return err!.message;
    };
    expect(await bad({ ...input, scenes: [] })).toContain('a story needs at least one scene');
    expect(await bad({ ...input, scenes: [scene({ durationS: 1 })] })).toContain('a scene lasts at least 2 s');
    expect(await bad({ ...input, scenes: [scene({ caption: { zh: '有', en: ' ' } })] })).toContain('the caption in English is missing');
    expect(await bad({ ...input, scenes: [scene({ view: { run: 'not-a-uuid' } })] })).toMatch(/run/);
    expect(await bad({ ...input, city: 'Bad City' })).toContain('city slug');
    await expect(as('planner').save({ ...input, city: 'nowhere' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no city "nowhere"' });
    await expect(as('planner').save({ ...input, id: '00000000-0000-4000-8000-000000000999' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(as('planner').get({ id: 'nope' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await as('planner').list({ city: 'town' })).length).toBe(before);
  });

  it('updates keep the story and its published flag; removing ends it', async () => {
    const s = await as('planner').save(input);
    await as('planner').publish({ id: s.id, published: true });
    const u = await as('administrator').save({ ...input, id: s.id, title: { zh: '新', en: 'New' }, scenes: [scene()] });
    expect(u).toMatchObject({ id: s.id, published: true, title: { zh: '新', en: 'New' }, updatedBy: 'a-administrator' });
    expect(u.scenes).toHaveLength(1);
    expect(await as('planner').remove({ id: s.id })).toEqual({ ok: true });
    await expect(as('planner').get({ id: s.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(as('planner').remove({ id: s.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
