// The gateways that carry a warning to a subscriber. One interface per channel, so a real SMS
// provider (or a WeChat / Dingtalk robot) plugs in without touching the queue: send() resolves
// when the gateway took the message and throws with the reason when it did not (the outbox
// retries). Webhooks are real; SMS is log-only until a provider is contracted.
import type { WarningPayload } from '../../models/warnings';
import { log } from '../log';
import type { WebhookGuard } from './webhookGuard';

export interface OutgoingMessage {
  deliveryId: string;
  /** E.164 phone or http(s) URL */
  address: string;
  lang: 'zh' | 'en';
  payload: WarningPayload;
}

export interface WarningGateway {
  readonly channel: 'sms' | 'webhook';
  send(m: OutgoingMessage): Promise<void>;
}

export class GatewayError extends Error {}

/**
 * POSTs the payload as JSON. A 2xx is delivered; anything else, a refused connection or no answer
 * within timeoutMs is a failure with its reason. Redirects are not followed (a hook that moved
 * must be subscribed again, and the confirmed URL stays the one that is called).
 */
export class WebhookGateway implements WarningGateway {
  readonly channel = 'webhook' as const;
  constructor(private readonly timeoutMs = 5000, private readonly guard?: WebhookGuard) {}

  async send(m: OutgoingMessage): Promise<void> {
    try { await this.guard?.check(m.address); } catch (err) { throw new GatewayError((err as Error).message); }
    let res: Response;
    try {
      res = await fetch(m.address, {
        method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs),
        headers: { 'content-type': 'application/json', 'x-twin-delivery': m.deliveryId, 'user-agent': 'city-twin-warnings' },
        body: JSON.stringify(m.payload),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      throw new GatewayError(e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`);
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status >= 300) throw new GatewayError(`HTTP ${res.status}`);
  }
}

/** The SMS interface's stand-in: writes the text it would send to the log, and keeps the last ones (tests, the duty view). */
export class LogSmsGateway implements WarningGateway {
  readonly channel = 'sms' as const;
  readonly sent: { to: string; text: string; at: string }[] = [];

  async send(m: OutgoingMessage): Promise<void> {
    const text = m.payload.text[m.lang];
    log.info({ to: m.address, delivery: m.deliveryId, type: m.payload.type, text }, 'SMS (log only: no SMS provider configured)');
    this.sent.push({ to: m.address, text, at: new Date().toISOString() });
    if (this.sent.length > 200) this.sent.shift();
  }
}
