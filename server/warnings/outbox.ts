// The delivery queue: every message to a subscriber is a row of warning_deliveries, written in
// the same transaction as what caused it, so nothing is lost with the process. A pass claims due
// rows (FOR UPDATE SKIP LOCKED, with a lease: a row claimed by a process that died is due again
// when the lease ends), sends them through their channel's gateway, and logs the attempt. A
// failure is tried again after an exponential back-off, at most maxAttempts times.
// Why not pg-boss: it needs node-postgres against a server; the embedded default is PGlite on a
// worker thread (server/db). A table and one claim query run the same on both, as the run queue does.
import type { Db } from '../db';
import { retryDelayMs, type WarningPayload } from '../../models/warnings';
import { log } from '../log';
import type { WarningGateway } from './gateway';

export interface OutboxOptions {
  /** how often due rows are looked for (ms) */
  pollMs?: number;
  /** first retry delay (ms), doubled per failure */
  baseDelayMs?: number;
  maxAttempts?: number;
  /** a claimed row is due again after this long if its process stopped (s) */
  leaseS?: number;
}

interface Claimed { id: string; payload: WarningPayload; attempts: number; channel: 'sms' | 'webhook'; address: string; lang: 'zh' | 'en' }

export class WarningOutbox {
  private readonly pollMs: number;
  private readonly baseDelayMs: number;
  readonly maxAttempts: number;
  private readonly leaseS: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(private readonly db: Db, private readonly gateways: Record<'sms' | 'webhook', WarningGateway>, opts: OutboxOptions = {}) {
    this.pollMs = opts.pollMs ?? 1000;
    this.baseDelayMs = opts.baseDelayMs ?? 5000;
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.leaseS = opts.leaseS ?? 60;
  }

  start() {
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** a pass now (new rows were written); one after the current if one is going on */
  kick() {
    if (this.closed) return;
    if (this.running) { this.again = true; return; }
    this.running = this.pass().catch((err) => log.error({ err }, 'warning delivery pass failed; tried again next time')).finally(() => {
      this.running = null;
      if (this.again) { this.again = false; this.kick(); }
    });
  }

  async close() {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async pass(): Promise<void> {
    for (;;) {
      const { rows } = await this.db.query<Claimed>(
        `update warning_deliveries d set next_at = now() + make_interval(secs => $1)
           from warning_subscriptions s
          where s.id = d.subscription_id and d.id in (
            select id from warning_deliveries where status = 'pending' and next_at <= now() order by next_at limit 20 for update skip locked)
          returning d.id, d.payload, d.attempts, s.channel, s.address, s.lang`, [this.leaseS]);
      if (!rows.length || this.closed) return;
      await Promise.all(rows.map((r) => this.deliver(r)));
    }
  }

  private async deliver(r: Claimed) {
    const gw = this.gateways[r.channel];
    let error: string | null = null;
    try {
      await gw.send({ deliveryId: r.id, address: r.address, lang: r.lang, payload: r.payload });
    } catch (err) {
      error = (err as Error).message || String(err);
    }
    const n = r.attempts + 1;
    await this.db.transaction(async (tx) => {
      await tx.query('insert into warning_attempts (delivery_id, ok, error) values ($1, $2, $3)', [r.id, error === null, error]);
      if (error === null) await tx.query(`update warning_deliveries set status = 'delivered', attempts = $2, delivered_at = now(), last_error = null where id = $1`, [r.id, n]);
      else if (n >= this.maxAttempts) await tx.query(`update warning_deliveries set status = 'failed', attempts = $2, last_error = $3 where id = $1`, [r.id, n, error]);
      else await tx.query(`update warning_deliveries set attempts = $2, last_error = $3, next_at = now() + make_interval(secs => $4) where id = $1`,
        [r.id, n, error, retryDelayMs(n, this.baseDelayMs) / 1000]);
    });
    const ctx = { delivery: r.id, type: r.payload.type, channel: r.channel, attempt: n, grid: r.payload.grid.code };
    if (error === null) log.info(ctx, 'warning delivered');
    else log.warn({ ...ctx, error, giveUp: n >= this.maxAttempts }, 'warning delivery failed');
  }
}
