import type { Db } from '../db';
import { historyDropped } from '../metrics';

/** Rows kept while the database cannot take them; past this the oldest go (and are counted). */
const MAX_PENDING = 200_000;

/**
 * Buffers accepted state changes and writes them in one statement per flush: the inspector's
 * history and the components' last state survive a restart without a write per change.
 */
export class HistoryWriter {
  private city: number[] = [];
  private comp: number[] = [];
  private at: string[] = [];
  private state: number[] = [];
  private value: (number | null)[] = [];
  private source: string[] = [];

  constructor(private readonly db: Db) {}

  get pending() {
    return this.comp.length;
  }

  push(cityId: number, componentIdx: number, atMs: number, state: number, value: number, source: string) {
    this.city.push(cityId);
    this.comp.push(componentIdx);
    this.at.push(new Date(atMs).toISOString());
    this.state.push(state);
    this.value.push(Number.isFinite(value) ? value : null);
    this.source.push(source);
  }

  /** Writes what is buffered (in one transaction); on failure the rows are kept for the next try. */
  async flush(): Promise<number> {
    const n = this.comp.length;
    if (n === 0) return 0;
    const rows = [this.city, this.comp, this.at, this.state, this.value, this.source] as const;
    this.city = []; this.comp = []; this.at = []; this.state = []; this.value = []; this.source = [];
    try {
      await writeChanges(this.db, ...rows);
    } catch (err) {
      // Put the failed rows back in front of what arrived meanwhile, keeping the newest MAX_PENDING.
      const keep = <T,>(old: T[], now: T[]) => old.concat(now).slice(-MAX_PENDING);
      const total = n + this.comp.length;
      this.city = keep(rows[0], this.city); this.comp = keep(rows[1], this.comp); this.at = keep(rows[2], this.at);
      this.state = keep(rows[3], this.state); this.value = keep(rows[4], this.value); this.source = keep(rows[5], this.source);
      if (total > MAX_PENDING) historyDropped.inc(total - MAX_PENDING);
      throw err;
    }
    return n;
  }
}

/** History rows plus the components' current state, atomically. */
export async function writeChanges(
  db: Pick<Db, 'transaction'>, city: number[], comp: number[], at: string[], state: number[], value: (number | null)[], source: string[],
) {
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into state_changes (city_id, component_idx, at, state, value, source)
       select * from unnest($1::int[], $2::int[], $3::timestamptz[], $4::smallint[], $5::real[], $6::text[])`,
      [city, comp, at, state, value, source],
    );
    // Latest change per component wins (rows arrive in time order).
    await tx.query(
      `update components c set state = u.state, value = u.value, last_report_at = u.at
       from (select distinct on (city_id, component_idx) city_id, component_idx, at, state, value
             from unnest($1::int[], $2::int[], $3::timestamptz[], $4::smallint[], $5::real[]) with ordinality
               as t(city_id, component_idx, at, state, value, ord)
             order by city_id, component_idx, ord desc) u
       where c.city_id = u.city_id and c.idx = u.component_idx`,
      [city, comp, at, state, value],
    );
  });
}
