// Flood warnings to subscribers (docs/warnings.md): subscriptions confirmed by a code sent through
// their own channel, events from succeeded runs and the live gauges (./events.ts), and the
// delivery queue (./outbox.ts). The evacuation colours go to the twin and the cockpit.
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import type { Db } from '../db';
import { InputError, NotFoundError, type Twin } from '../twin';
import type { RunManager } from '../runs/manager';
import { getScenario } from '../runs/store';
import { impactSchema } from '../../models/runs';
import { ForecastInfo } from '../../models/forecastInfo';
import {
  maskAddress, subscribeInputSchema, warningText, type DutyView, type EvacuationState, type SubscribeResult, type WarningPayload,
} from '../../models/warnings';
import type { z } from 'zod';
import { log } from '../log';
import { LogSmsGateway, WebhookGateway, type WarningGateway } from './gateway';
import { WebhookGuard } from './webhookGuard';
import { WarningOutbox, type OutboxOptions } from './outbox';
import { resolveTarget } from './resolve';
import { applyLevels, warnNewSubscriber } from './events';
import { gaugeLevels, runLevels } from './levels';

export interface WarningsOptions {
  outbox?: OutboxOptions;
  gateways?: Partial<Record<'sms' | 'webhook', WarningGateway>>;
  /** how often the live gauges are read (ms; 0: never) */
  gaugeEveryMs?: number;
  /** subscriptions one client address may start per window (the public form is the way in) */
  perClient?: { max: number; windowMs: number };
  /** hosts, addresses or ranges webhooks may call although not public (WARNING_WEBHOOK_ALLOW) */
  webhookAllow?: readonly string[];
}

/** wrong codes before a subscription is void (a 6-digit code is then guessed with odds of 5 in a million) */
const MAX_CONFIRM_TRIES = 5;
/** unconfirmed subscriptions per phone or URL per hour: the confirm message is not a way to spam one */
const MAX_PENDING_PER_ADDRESS = 3;

const hashCode = (id: string, code: string) => createHash('sha256').update(`${id}:${code}`).digest('hex');
const iso = (v: unknown) => (v instanceof Date ? v : new Date(String(v))).toISOString();

export class Warnings {
  readonly outbox: WarningOutbox;
  readonly sms: LogSmsGateway;
  private readonly listeners = new Set<(state: EvacuationState) => void>();
  private readonly perClient: { max: number; windowMs: number };
  private readonly clients = new Map<string, number[]>();
  private gaugeTimer: NodeJS.Timeout | null = null;
  private gaugeChain: Promise<unknown> = Promise.resolve();
  private readonly guard: WebhookGuard;

  constructor(private readonly db: Db, private readonly twin: Twin, private readonly runs: RunManager, private readonly opts: WarningsOptions = {}) {
    this.sms = new LogSmsGateway();
    this.guard = new WebhookGuard(opts.webhookAllow);
    this.outbox = new WarningOutbox(db, { webhook: new WebhookGateway(5000, this.guard), sms: this.sms, ...opts.gateways }, opts.outbox);
    this.perClient = opts.perClient ?? { max: 10, windowMs: 600_000 };
  }

  start() {
    this.outbox.start();
    const every = this.opts.gaugeEveryMs ?? 10_000;
    if (every > 0) {
      this.gaugeTimer = setInterval(() => { this.gaugeChain = this.gaugeChain.then(() => this.fromGauges()).catch((err) => log.error({ err }, 'gauge warnings pass failed')); }, every);
      this.gaugeTimer.unref();
    }
  }

  async close() {
    if (this.gaugeTimer) clearInterval(this.gaugeTimer);
    await this.gaugeChain;
    await this.outbox.close();
  }

  /** told with a city's new evacuation state when a grid's colour changed (socket.io event) */
  onChange(fn: (state: EvacuationState) => void) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private limit(client: string) {
    const now = Date.now(), w = (this.clients.get(client) ?? []).filter((t) => t > now - this.perClient.windowMs);
    if (w.length >= this.perClient.max) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `too many subscriptions from this address: try again in ${Math.ceil((w[0]! + this.perClient.windowMs - now) / 60_000)} minutes` });
    w.push(now);
    this.clients.set(client, w);
    if (this.clients.size > 10_000) this.clients.delete(this.clients.keys().next().value!);
  }

  /** A new subscription: resolved to its grid, stored unconfirmed, and its code sent through its own channel. */
  async subscribe(input: z.output<typeof subscribeInputSchema>, client: string): Promise<SubscribeResult> {
    const city = (await this.twin.city(input.city)).data;
    const grid = resolveTarget(city, input.target);
    const address = input.channel.kind === 'sms' ? input.channel.phone : input.channel.url;
    this.limit(client);
    if (input.channel.kind === 'webhook') {
      try { await this.guard.check(address); } catch (err) { throw new InputError((err as Error).message, ['channel', 'url']); }
    }
    const pending = await this.db.query<{ n: number }>(`select count(*)::int as n from warning_subscriptions where address = $1 and confirmed_at is null
      and cancelled_at is null and created_at > now() - interval '1 hour'`, [address]);
    if (pending.rows[0]!.n >= MAX_PENDING_PER_ADDRESS) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `${MAX_PENDING_PER_ADDRESS} subscriptions to this ${input.channel.kind === 'sms' ? 'number' : 'URL'} wait for their code already: confirm one, or try again in an hour` });
    const id = randomUUID(), deliveryId = randomUUID();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const payload: WarningPayload = {
      type: 'subscription.confirm', deliveryId, subscriptionId: id, city: input.city, code,
      grid: { index: grid.index, code: grid.code, place: grid.place },
      text: warningText({ kind: 'confirm', gridCode: grid.code, place: grid.place, code }),
    };
    await this.db.transaction(async (tx) => {
      await tx.query(`insert into warning_subscriptions (id, city, unit_grid_code, place_zh, place_en, channel, address, lang, label, confirm_hash)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [id, input.city, grid.code, grid.place.zh, grid.place.en, input.channel.kind, address, input.lang, input.label || null, hashCode(id, code)]);
      await tx.query(`insert into warning_deliveries (id, subscription_id, kind, payload) values ($1, $2, 'confirm', $3)`, [deliveryId, id, JSON.stringify(payload)]);
    });
    this.outbox.kick();
    log.info({ subscription: id, city: input.city, grid: grid.code, channel: input.channel.kind }, 'warning subscription started (waits for its code)');
    return { id, gridIndex: grid.index, gridCode: grid.code, place: grid.place, channel: input.channel.kind, confirmed: false };
  }

  private async row(id: string) {
    const { rows } = await this.db.query<{ id: string; city: string; unit_grid_code: string; place_zh: string; place_en: string; channel: 'sms' | 'webhook'; confirm_hash: string; confirm_tries: number; confirmed_at: unknown; cancelled_at: unknown }>(
      'select * from warning_subscriptions where id = $1', [id]);
    const r = rows[0];
    if (!r || r.cancelled_at) throw new NotFoundError(`no subscription ${id} (ended, or never made)`);
    return r;
  }

  private async checkCode(id: string, code: string) {
    const r = await this.row(id);
    if (r.confirm_tries >= MAX_CONFIRM_TRIES) throw new InputError('too many wrong codes: this subscription is void, subscribe again', ['code']);
    if (hashCode(id, code) !== r.confirm_hash) {
      const tries = r.confirm_tries + 1;
      await this.db.query(`update warning_subscriptions set confirm_tries = $2, cancelled_at = case when $2 >= ${MAX_CONFIRM_TRIES} then now() else cancelled_at end where id = $1`, [id, tries]);
      throw new InputError(tries >= MAX_CONFIRM_TRIES ? 'wrong code, the last try: this subscription is void, subscribe again' : `wrong code (${MAX_CONFIRM_TRIES - tries} tries left)`, ['code']);
    }
    return r;
  }

  /** The code back from the subscriber: from now on it gets warnings (at once, if its grid is under one). */
  async confirm(id: string, code: string): Promise<SubscribeResult> {
    const r = await this.checkCode(id, code);
    const index = (await this.twin.city(r.city)).data.unitGrids.findIndex((g) => g.code === r.unit_grid_code);
    if (!r.confirmed_at) {
      const sent = await this.db.transaction(async (tx) => {
        await tx.query('update warning_subscriptions set confirmed_at = now() where id = $1', [id]);
        return warnNewSubscriber(tx, r.city, { id, place_zh: r.place_zh, place_en: r.place_en, unit_grid_code: r.unit_grid_code });
      });
      if (sent) this.outbox.kick();
      log.info({ subscription: id, grid: r.unit_grid_code }, 'warning subscription confirmed');
    }
    return { id, gridIndex: Math.max(0, index), gridCode: r.unit_grid_code, place: { zh: r.place_zh, en: r.place_en }, channel: r.channel, confirmed: true };
  }

  /** Ends a subscription: by its subscriber (with the code) or by the duty officer (code null). */
  async unsubscribe(id: string, code: string | null): Promise<void> {
    if (code !== null) await this.checkCode(id, code);
    else await this.row(id);
    await this.db.query(`update warning_subscriptions set cancelled_at = now() where id = $1`, [id]);
    await this.db.query(`update warning_deliveries set status = 'failed', last_error = 'subscription ended' where subscription_id = $1 and status = 'pending'`, [id]);
  }

  /** After a run succeeded: a forecast, or a run of a scenario with warnings on, sets the colours of the grids. */
  async fromRun(runId: string, scenario?: { id: string; name: string }): Promise<boolean> {
    const run = await this.runs.get(runId);
    const scId = scenario?.id ?? run.scenarioId;
    if (run.status !== 'succeeded' || !scId) return false;
    const sc = await getScenario(this.db, scId);
    if (!sc) return false;
    const flag = await this.db.query<{ warning_cases: boolean }>('select warning_cases from scenarios where id = $1', [scId]);
    const forecast = ForecastInfo.safeParse((sc.scenario as { forecast?: unknown }).forecast);
    if (!forecast.success && !flag.rows[0]?.warning_cases) return false;
    const city = (await this.twin.city(run.city)).data;
    const impact = await this.runs.result(runId, 'impact.json', impactSchema);
    const levels = runLevels(city, { createdAt: run.createdAt, scenarioName: scenario?.name ?? run.scenarioName }, impact, forecast.success ? forecast.data : undefined);
    return this.apply(run.city, 'run', runId, levels);
  }

  /** One pass over the live gauges of every loaded city. */
  async fromGauges(): Promise<void> {
    for (const city of this.twin.cities.values()) await this.apply(city.slug, 'gauge', null, gaugeLevels(city));
  }

  private async apply(slug: string, source: 'run' | 'gauge', runId: string | null, levels: Parameters<typeof applyLevels>[5]): Promise<boolean> {
    const city = (await this.twin.city(slug)).data;
    const changed = await applyLevels(this.db, slug, city.unitGrids.map((g) => g.code), source, runId, levels);
    this.outbox.kick();
    if (changed) {
      const state = await this.evacuation(slug);
      log.info({ city: slug, source, run: runId, red: state.grids.filter((g) => g.colour === 'red').length }, 'evacuation colours changed');
      for (const fn of this.listeners) fn(state);
    }
    return changed;
  }

  /** The grids that are not green, reddest first (a grid red by any source is red). */
  async evacuation(slug: string): Promise<EvacuationState> {
    await this.twin.city(slug);
    const { rows } = await this.db.query<{ grid_index: number; unit_grid_code: string; colour: 'red' | 'yellow'; depth_cm: number; from_at: unknown; source: 'run' | 'gauge'; run_id: string | null; why_zh: string; why_en: string; started_at: unknown }>(
      `select * from warning_events where city = $1 and cancelled_at is null order by (colour = 'red') desc, depth_cm desc`, [slug]);
    const seen = new Set<number>();
    const grids = rows.filter((r) => !seen.has(r.grid_index) && seen.add(r.grid_index)).map((r) => ({
      index: r.grid_index, code: r.unit_grid_code, colour: r.colour, depthCm: r.depth_cm, fromAt: iso(r.from_at), source: r.source, runId: r.run_id, why: { zh: r.why_zh, en: r.why_en },
    }));
    const last = rows.reduce((t, r) => Math.max(t, Date.parse(iso(r.started_at))), 0);
    return { city: slug, grids, updatedAt: new Date(last || Date.now()).toISOString() };
  }

  /** The duty officer's view: subscriptions, the last deliveries and attempts, the active warnings. */
  async duty(slug: string): Promise<DutyView> {
    const subs = (await this.db.query<{ id: string; unit_grid_code: string; place_zh: string; channel: 'sms' | 'webhook'; address: string; label: string | null; lang: 'zh' | 'en'; confirmed_at: unknown; created_at: unknown }>(
      'select * from warning_subscriptions where city = $1 and cancelled_at is null order by created_at desc limit 500', [slug])).rows;
    const dels = (await this.db.query<{ id: string; subscription_id: string; unit_grid_code: string; channel: 'sms' | 'webhook'; address: string; kind: 'confirm' | 'warning' | 'allclear'; status: 'pending' | 'delivered' | 'failed'; attempts: number; last_error: string | null; created_at: unknown; delivered_at: unknown }>(
      `select d.*, s.unit_grid_code, s.channel, s.address from warning_deliveries d join warning_subscriptions s on s.id = d.subscription_id
        where s.city = $1 order by d.created_at desc limit 200`, [slug])).rows;
    const atts = (await this.db.query<{ delivery_id: string; at: unknown; ok: boolean; error: string | null }>(
      `select a.* from warning_attempts a join warning_deliveries d on d.id = a.delivery_id join warning_subscriptions s on s.id = d.subscription_id
        where s.city = $1 order by a.id desc limit 200`, [slug])).rows;
    return {
      subscriptions: subs.map((s) => ({ id: s.id, gridCode: s.unit_grid_code, place: s.place_zh, channel: s.channel, address: maskAddress(s.channel, s.address), label: s.label, lang: s.lang, confirmed: !!s.confirmed_at, createdAt: iso(s.created_at) })),
      deliveries: dels.map((d) => ({ id: d.id, subscriptionId: d.subscription_id, gridCode: d.unit_grid_code, address: maskAddress(d.channel, d.address), kind: d.kind, status: d.status, attempts: d.attempts, lastError: d.last_error, createdAt: iso(d.created_at), deliveredAt: d.delivered_at ? iso(d.delivered_at) : null })),
      attempts: atts.map((a) => ({ deliveryId: a.delivery_id, at: iso(a.at), ok: a.ok, error: a.error })),
      active: (await this.evacuation(slug)).grids,
    };
  }
}
