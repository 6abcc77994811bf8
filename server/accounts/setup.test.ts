import { describe, expect, it } from 'vitest';
import { SetupLink } from './setup';
import type { AccountStore } from './store';
import { hashPassword, verifyPassword } from './passwords';

// The setup link's rules on a stand-in store: opened only without an administrator, used once.
function fakeStore(admins = 0) {
  const added: string[] = [];
  const store = {
    administratorCount: async () => admins + added.length,
    add: async (a: { name: string }) => { added.push(a.name); return a; },
    signIn: async (name: string) => ({ token: 't', user: { id: '1', name, role: 'administrator', department: null } }),
  } as unknown as AccountStore;
  return { store, added };
}

describe('setup link', () => {
  it('opens only when there is no administrator, and works once', async () => {
    expect(await new SetupLink(fakeStore(1).store).start()).toBeNull();
    const { store, added } = fakeStore();
    const link = new SetupLink(store);
    const token = (await link.start())!;
    expect(token).toMatch(/^[\w-]{43}$/);
    await expect(link.consume('x'.repeat(43), 'root', 'long enough password')).rejects.toThrow(/not valid/);
    await link.consume(token, 'root', 'long enough password');
    expect(added).toEqual(['root']);
    await expect(link.consume(token, 'again', 'long enough password')).rejects.toThrow(/not valid/);
  });

  it('with a bootstrap administrator, creates it and opens no link', async () => {
    const { store, added } = fakeStore();
    const link = new SetupLink(store);
    expect(await link.start({ name: 'ops', password: 'long enough password' })).toBeNull();
    expect(added).toEqual(['ops']);
    expect(link.open).toBe(false);
  });
});

describe('passwords', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const a = await hashPassword('säkert lösenord');
    expect(a).not.toBe(await hashPassword('säkert lösenord'));
    expect(await verifyPassword('säkert lösenord', a)).toBe(true);
    expect(await verifyPassword('sakert losenord', a)).toBe(false);
    expect(await verifyPassword('x', 'plain')).toBe(false);
  });
});
