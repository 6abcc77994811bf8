// Accounts, sessions and settings in the database (migrations/004_accounts.sql).
import { createHash, randomUUID } from 'node:crypto';
import {
  LOCK_MINUTES, MAX_FAILED_SIGNINS, settingsSchema, type Account, type Role, type SessionUser, type Settings,
} from '../../models/accounts';
import type { Db } from '../db';
import { InputError, NotFoundError } from '../twin';
import { dummyHash, hashPassword, newToken, verifyPassword } from './passwords';

/** Refused for who the caller is (401: not signed in or wrong password; 403: signed in, not allowed). */
export class AuthError extends Error {
  constructor(message: string, readonly status: 401 | 403 = 401) {
    super(message);
  }
}

/** A session ends after this long without a request (a shift and a half). */
export const SESSION_IDLE_MS = 12 * 3600_000;
/**
 * The exhibition kiosk's session lasts 30 days without a request: it is signed in once on a
 * device that runs for weeks with no keyboard, and it can change nothing (readOnlyRole).
 */
export const KIOSK_SESSION_IDLE_MS = 30 * 24 * 3600_000;
export const sessionIdleMs = (role: Role) => (role === 'kiosk' ? KIOSK_SESSION_IDLE_MS : SESSION_IDLE_MS);
/** expires_at is pushed forward at most this often per session (one write per busy minute, not per request) */
const TOUCH_MS = 60_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface AccountRow {
  id: string; name: string; role: Role; department: string | null; password_hash: string; disabled: boolean;
  failed_signins: number; locked_until: Date | string | null; created_at: Date | string;
}
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const toAccount = (r: AccountRow): Account => ({
  id: r.id, name: r.name, role: r.role, department: r.department, disabled: r.disabled,
  lockedUntil: r.locked_until && new Date(r.locked_until).getTime() > Date.now() ? iso(r.locked_until) : null,
  createdAt: iso(r.created_at)!,
});

export class AccountStore {
  private settingsCache: { value: Settings; at: number } | null = null;

  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {}

  async add(a: { name: string; role: Role; password: string; department?: string | null }): Promise<Account> {
    const hash = await hashPassword(a.password);
    const department = a.role === 'department' ? a.department ?? null : null;
    try {
      const { rows } = await this.db.query<AccountRow>(
        'insert into accounts (id, name, role, department, password_hash) values ($1, $2, $3, $4, $5) returning *',
        [randomUUID(), a.name, a.role, department, hash]);
      return toAccount(rows[0]!);
    } catch (err) {
      if (/unique|duplicate/i.test(String((err as Error).message))) throw new InputError(`an account "${a.name}" exists already`, ['name']);
      throw err;
    }
  }

  async list(): Promise<Account[]> {
    return (await this.db.query<AccountRow>('select * from accounts order by name')).rows.map(toAccount);
  }

  async administratorCount(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>("select count(*)::int as n from accounts where role = 'administrator' and not disabled");
    return rows[0]!.n;
  }

  /**
   * Checks the password and opens a session (its token goes in the cookie). An unknown name costs
   * the same scrypt as a known one; MAX_FAILED_SIGNINS failures in a row lock the account.
   */
  async signIn(name: string, password: string): Promise<{ token: string; user: SessionUser }> {
    const { rows } = await this.db.query<AccountRow>('select * from accounts where name = $1', [name]);
    const row = rows[0];
    const now = this.now();
    if (!row) {
      await verifyPassword(password, await dummyHash());
      throw new AuthError('wrong name or password');
    }
    if (row.locked_until && new Date(row.locked_until).getTime() > now) {
      throw new AuthError(`account locked after ${MAX_FAILED_SIGNINS} failed sign-ins, until ${iso(row.locked_until)}; an administrator can unlock it`);
    }
    if (!(await verifyPassword(password, row.password_hash))) {
      const failed = row.failed_signins + 1;
      const lock = failed >= MAX_FAILED_SIGNINS;
      await this.db.query('update accounts set failed_signins = $2, locked_until = $3 where id = $1',
        [row.id, lock ? 0 : failed, lock ? new Date(now + LOCK_MINUTES * 60_000) : null]);
      throw new AuthError(lock ? `wrong name or password; the account is now locked for ${LOCK_MINUTES} minutes` : 'wrong name or password');
    }
    if (row.disabled) throw new AuthError('this account is disabled', 403);
    await this.db.query('update accounts set failed_signins = 0, locked_until = null where id = $1', [row.id]);
    const token = await this.openSession(row.id, row.role);
    return { token, user: { id: row.id, name: row.name, role: row.role, department: row.department } };
  }

  async openSession(accountId: string, role: Role = 'administrator'): Promise<string> {
    const token = newToken();
    await this.db.query('insert into sessions (token_hash, account_id, expires_at) values ($1, $2, $3)',
      [sha256(token), accountId, new Date(this.now() + sessionIdleMs(role))]);
    return token;
  }

  /** The user of a session token, or null (unknown, expired, account disabled). */
  async session(token: string): Promise<SessionUser | null> {
    const { rows } = await this.db.query<{ id: string; name: string; role: Role; department: string | null; last_seen_at: Date | string }>(
      `select a.id, a.name, a.role, a.department, s.last_seen_at from sessions s join accounts a on a.id = s.account_id
       where s.token_hash = $1 and s.expires_at > $2 and not a.disabled`, [sha256(token), new Date(this.now())]);
    const r = rows[0];
    if (!r) return null;
    const now = this.now();
    if (now - new Date(r.last_seen_at).getTime() > TOUCH_MS) {
      await this.db.query('update sessions set last_seen_at = $2, expires_at = $3 where token_hash = $1', [sha256(token), new Date(now), new Date(now + sessionIdleMs(r.role))]);
    }
    return { id: r.id, name: r.name, role: r.role, department: r.department };
  }

  async signOut(token: string): Promise<void> {
    await this.db.query('delete from sessions where token_hash = $1', [sha256(token)]);
  }

  /** The user's own change: the current password is checked; the user's other sessions end. */
  async changePassword(accountId: string, current: string, next: string, keepToken: string | null): Promise<void> {
    const { rows } = await this.db.query<AccountRow>('select * from accounts where id = $1', [accountId]);
    if (!rows[0]) throw new NotFoundError('no such account');
    if (!(await verifyPassword(current, rows[0].password_hash))) throw new InputError('the current password is wrong', ['current']);
    if (current === next) throw new InputError('the new password is the same as the current one', ['next']);
    await this.setPassword(accountId, next, keepToken);
  }

  private async setPassword(accountId: string, password: string, keepToken: string | null) {
    const hash = await hashPassword(password);
    await this.db.transaction(async (tx) => {
      await tx.query('update accounts set password_hash = $2, password_changed_at = now(), failed_signins = 0, locked_until = null where id = $1', [accountId, hash]);
      await tx.query('delete from sessions where account_id = $1 and token_hash <> $2', [accountId, keepToken ? sha256(keepToken) : '']);
    });
  }

  /** The administrator's changes to an account. */
  async update(u: { id: string; role?: Role; department?: string | null; disabled?: boolean; unlock?: true; password?: string }): Promise<Account> {
    const { rows } = await this.db.query<AccountRow>('select * from accounts where id = $1', [u.id]);
    const row = rows[0];
    if (!row) throw new NotFoundError(`no account ${u.id}`);
    const role = u.role ?? row.role;
    const department = role === 'department' ? (u.department === undefined ? row.department : u.department) : null;
    if (role === 'department' && !department) throw new InputError('a department handler needs a department', ['department']);
    const disabled = u.disabled ?? row.disabled;
    // the last administrator cannot remove itself: nobody could manage accounts afterwards
    if (row.role === 'administrator' && !row.disabled && (role !== 'administrator' || disabled) && (await this.administratorCount()) <= 1) {
      throw new InputError('this is the last administrator: make another one first', ['role']);
    }
    await this.db.query('update accounts set role = $2, department = $3, disabled = $4 where id = $1', [u.id, role, department, disabled]);
    if (u.unlock) await this.db.query('update accounts set failed_signins = 0, locked_until = null where id = $1', [u.id]);
    if (u.password) await this.setPassword(u.id, u.password, null);
    if (disabled || role !== row.role) await this.db.query('delete from sessions where account_id = $1', [u.id]);
    return toAccount((await this.db.query<AccountRow>('select * from accounts where id = $1', [u.id])).rows[0]!);
  }

  /** Settings, read through a cache of a few seconds (several processes see a change soon). */
  async settings(): Promise<Settings> {
    const now = this.now();
    if (this.settingsCache && now - this.settingsCache.at < 5_000) return this.settingsCache.value;
    const { rows } = await this.db.query<{ key: string; value: unknown }>('select key, value from settings');
    const value = settingsSchema.parse(Object.fromEntries(rows.map((r) => [r.key, r.value])));
    this.settingsCache = { value, at: now };
    return value;
  }

  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    await this.db.transaction(async (tx) => {
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) continue;
        await tx.query('insert into settings (key, value, updated_at) values ($1, $2::jsonb, now()) on conflict (key) do update set value = $2::jsonb, updated_at = now()', [k, JSON.stringify(v)]);
      }
    });
    this.settingsCache = null;
    return this.settings();
  }
}
