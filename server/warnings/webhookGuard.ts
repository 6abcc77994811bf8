// Where the server may POST a webhook. Anyone may subscribe (the public form), so without this a
// stranger could make the server send requests into the network it runs in: its own loopback, a
// private LAN, a cloud's metadata address. Only public addresses are called, unless an
// administrator names a host, an address or a range in WARNING_WEBHOOK_ALLOW (a duty network's
// own endpoint, the tests' sink). The check runs at subscription (a clear error for the form)
// and again before every POST (a name may point elsewhere by then).
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Not public: loopback, private, carrier NAT, link-local (metadata), multicast, reserved, unspecified. */
const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) NOT_PUBLIC.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) NOT_PUBLIC.addSubnet(net, bits, 'ipv6');

export class WebhookRefused extends Error {}

/** An IPv4 address written as IPv6 (::ffff:127.0.0.1) is checked as the IPv4 address it is. */
function plain(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (m) return { address: m[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export class WebhookGuard {
  private readonly hosts = new Set<string>();
  private readonly nets = new BlockList();

  /** `allow`: host names, addresses or ranges (10.1.0.0/16) that may be called although not public. */
  constructor(allow: readonly string[] = [], private readonly resolve: (host: string) => Promise<string[]> = async (h) => (await lookup(h, { all: true, verbatim: true })).map((a) => a.address)) {
    for (const raw of allow.map((s) => s.trim().toLowerCase()).filter(Boolean)) {
      const [net, bits] = raw.split('/');
      const v = isIP(net!);
      if (v && bits !== undefined) this.nets.addSubnet(net!, Number(bits), v === 6 ? 'ipv6' : 'ipv4');
      else if (v) this.nets.addAddress(net!, v === 6 ? 'ipv6' : 'ipv4');
      else this.hosts.add(raw);
    }
  }

  /** Resolves when the URL may be called; otherwise throws WebhookRefused saying why. */
  async check(url: string): Promise<void> {
    const host = new URL(url).hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (this.hosts.has(host)) return;
    let addresses: string[];
    if (isIP(host)) addresses = [host];
    else {
      try { addresses = await this.resolve(host); } catch { throw new WebhookRefused(`the host ${host} cannot be resolved from this server`); }
    }
    for (const a of addresses) {
      const p = plain(a);
      if (this.nets.check(p.address, p.family)) continue;
      if (NOT_PUBLIC.check(p.address, p.family)) {
        throw new WebhookRefused(`${host === a ? a : `${host} (${a})`} is not a public address; an administrator can allow it with WARNING_WEBHOOK_ALLOW`);
      }
    }
  }
}
