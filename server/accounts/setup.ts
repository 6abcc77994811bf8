// The first administrator: from the command line (`twin user add`), from TWIN_BOOTSTRAP_ADMIN
// (tests, automated installs) or through a one-time setup link printed on start while there is
// no administrator. Nothing ships with a default password.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SessionUser } from '../../models/accounts';
import type { AccountStore } from './store';
import { AuthError } from './store';
import { newToken } from './passwords';

const sha = (s: string) => createHash('sha256').update(s).digest();

export class SetupLink {
  /** sha256 of the one open setup token; null when there is none */
  private tokenHash: Buffer | null = null;

  constructor(private readonly store: AccountStore) {}

  /**
   * Called at start: creates the bootstrap administrator when asked to and none exists, else
   * opens a setup link when there is no administrator. Returns the token to print, or null.
   */
  async start(bootstrap?: { name: string; password: string }): Promise<string | null> {
    if ((await this.store.administratorCount()) > 0) return null;
    if (bootstrap) {
      await this.store.add({ name: bootstrap.name, role: 'administrator', password: bootstrap.password });
      return null;
    }
    const token = newToken();
    this.tokenHash = sha(token);
    return token;
  }

  get open(): boolean {
    return this.tokenHash !== null;
  }

  /** Creates the first administrator with the link's token, signs it in; the link closes. */
  async consume(token: string, name: string, password: string): Promise<{ token: string; user: SessionUser }> {
    if (!this.tokenHash || !timingSafeEqual(sha(token), this.tokenHash)) throw new AuthError('this setup link is not valid (used already, or the server restarted: see its log for the current one)', 403);
    if ((await this.store.administratorCount()) > 0) {
      this.tokenHash = null;
      throw new AuthError('an administrator exists already', 403);
    }
    this.tokenHash = null;
    await this.store.add({ name, role: 'administrator', password });
    return this.store.signIn(name, password);
  }
}
