import { describe, expect, it } from 'vitest';
import { WebhookGuard } from './webhookGuard';

// names resolve through this table, as DNS would answer
const dns: Record<string, string[]> = {
  'hooks.example.org': ['93.184.216.34'],
  'mixed.example.org': ['93.184.216.34', '10.0.0.5'],
  'duty.local': ['10.20.1.7'],
};
const resolve = async (h: string) => {
  const a = dns[h];
  if (!a) throw new Error('ENOTFOUND');
  return a;
};

describe('WebhookGuard', () => {
  const guard = new WebhookGuard([], resolve);

  it('lets public addresses through, by name or literal', async () => {
    await expect(guard.check('https://hooks.example.org/flood')).resolves.toBeUndefined();
    await expect(guard.check('http://93.184.216.34:8080/x')).resolves.toBeUndefined();
    await expect(guard.check('http://[2606:4700::1111]/x')).resolves.toBeUndefined();
  });

  it.each([
    ['http://127.0.0.1:3000/api', /127\.0\.0\.1 is not a public address/],
    ['http://[::1]/', /::1 is not a public address/],
    ['http://[::ffff:127.0.0.1]/', /is not a public address/],
    ['http://10.9.8.7/', /not a public address/],
    ['http://172.20.0.1/', /not a public address/],
    ['http://192.168.1.1/', /not a public address/],
    ['http://169.254.169.254/latest/meta-data/', /not a public address/],
    ['http://100.64.1.1/', /not a public address/],
    ['http://0.0.0.0:3000/', /not a public address/],
    ['http://[fd00::1]/', /not a public address/],
    ['http://[fe80::1]/', /not a public address/],
    ['http://duty.local/hook', /duty\.local \(10\.20\.1\.7\) is not a public address/],
    // one private address among a name's answers is enough to refuse it
    ['http://mixed.example.org/', /mixed\.example\.org \(10\.0\.0\.5\)/],
    ['http://nowhere.example/', /cannot be resolved/],
  ])('refuses %s', async (url, why) => {
    await expect(guard.check(url)).rejects.toThrow(why);
  });

  it('calls what the administrator allowed: a name, an address, a range', async () => {
    const allowed = new WebhookGuard(['duty.local', '127.0.0.1', '192.168.10.0/24', ' '], resolve);
    await expect(allowed.check('http://duty.local/hook')).resolves.toBeUndefined();
    await expect(allowed.check('http://127.0.0.1:9/sink')).resolves.toBeUndefined();
    await expect(allowed.check('http://192.168.10.44/')).resolves.toBeUndefined();
    await expect(allowed.check('http://192.168.11.44/')).rejects.toThrow(/not a public address/);
    await expect(allowed.check('http://127.0.0.2/')).rejects.toThrow(/not a public address/);
  });
});
