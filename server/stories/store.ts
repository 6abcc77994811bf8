import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import { NotFoundError } from '../twin';
import { storySchema, type Story, type StorySaveInput } from '../../models/story';

// Stories per city (issue 14): stored whole (title and scenes as JSON), validated by zod on the
// way in (the router) and on the way out (here), so a row edited by hand cannot reach a player
// in a shape it does not expect. Who may see drafts is the caller's decision (`drafts`).

interface Row {
  id: string; city: string; title: unknown; scenes: unknown; published: boolean;
  updated_at: string | Date; updated_by: string | null;
}

const COLS = 'id, city, title, scenes, published, updated_at, updated_by';

function toStory(r: Row): Story {
  return storySchema.parse({
    id: r.id, city: r.city, title: r.title, scenes: r.scenes, published: r.published,
    updatedAt: r.updated_at instanceof Date ? r.updated_at.toISOString() : new Date(r.updated_at).toISOString(),
    updatedBy: r.updated_by,
  });
}

export class StoryStore {
  constructor(private readonly db: Db) {}

  /** the city's stories, newest change first; drafts only when asked (planners) */
  async list(city: string, drafts: boolean): Promise<Story[]> {
    const { rows } = await this.db.query<Row>(
      `select ${COLS} from stories where city = $1 ${drafts ? '' : 'and published'} order by updated_at desc, id`, [city]);
    return rows.map(toStory);
  }

  /** one story; a draft is "not found" to those who may not see drafts (its existence is not told) */
  async get(id: string, drafts: boolean): Promise<Story> {
    const { rows } = await this.db.query<Row>(`select ${COLS} from stories where id = $1`, [id]);
    const r = rows[0];
    if (!r || (!r.published && !drafts)) throw new NotFoundError(`no story ${id}${r ? ' published' : ''}`);
    return toStory(r);
  }

  /** creates (no id) or replaces a story's title and scenes; its city and published flag stay */
  async save(input: StorySaveInput, by: string): Promise<Story> {
    const { rows: city } = await this.db.query('select 1 from cities where slug = $1', [input.city]);
    if (!city.length) throw new NotFoundError(`no city "${input.city}"`);
    const title = JSON.stringify(input.title), scenes = JSON.stringify(input.scenes);
    if (!input.id) {
      const { rows } = await this.db.query<Row>(
        `insert into stories (id, city, title, scenes, updated_by) values ($1, $2, $3::jsonb, $4::jsonb, $5) returning ${COLS}`,
        [randomUUID(), input.city, title, scenes, by]);
      return toStory(rows[0]!);
    }
    const { rows } = await this.db.query<Row>(
      `update stories set title = $2::jsonb, scenes = $3::jsonb, updated_at = now(), updated_by = $4 where id = $1 and city = $5 returning ${COLS}`,
      [input.id, title, scenes, by, input.city]);
    if (!rows[0]) throw new NotFoundError(`no story ${input.id} in city "${input.city}"`);
    return toStory(rows[0]);
  }

  async setPublished(id: string, published: boolean, by: string): Promise<Story> {
    const { rows } = await this.db.query<Row>(
      `update stories set published = $2, updated_at = now(), updated_by = $3 where id = $1 returning ${COLS}`, [id, published, by]);
    if (!rows[0]) throw new NotFoundError(`no story ${id}`);
    return toStory(rows[0]);
  }

  async remove(id: string): Promise<void> {
    const { rows } = await this.db.query('delete from stories where id = $1 returning id', [id]);
    if (!rows.length) throw new NotFoundError(`no story ${id}`);
  }
}
