/**
 * IPv4 address rules shared by the local stack's "network" and the gateway: the one place where
 * a pod IP becomes the loopback address a simulated pod is served at.
 *
 * The API server refuses loopback addresses in Endpoints, so simulated pods keep pod IPs in the
 * cluster's range (10.244.x) and are served at the address the same rule maps them to
 * (10.b.c.d → 127.b.c.d). The gateway applies the rule to upstreams only where it is configured
 * (YUNBANG_GATEWAY_ADDRESS_MAP, unset in production). Pure functions.
 */
export interface Cidr { base: number; bits: number }
export interface AddressRule { from: Cidr; to: Cidr }

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export const isIpv4 = (s: string) => IPV4.test(s);

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

const mask = (bits: number) => (bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0);

/** "10.0.0.0/8" → a CIDR; throws on anything else. */
export function parseCidr(s: string): Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s.trim());
  if (!m || !isIpv4(m[1]!) || Number(m[2]) > 32) throw new Error(`"${s}" is not an IPv4 CIDR such as 10.0.0.0/8`);
  const bits = Number(m[2]);
  return { base: (ipToInt(m[1]!) & mask(bits)) >>> 0, bits };
}

export function inCidr(ip: string, c: Cidr): boolean {
  return isIpv4(ip) && ((ipToInt(ip) & mask(c.bits)) >>> 0) === c.base;
}

/** "10.0.0.0/8=127.0.0.0/8,…" → rules; both sides of a rule have the same prefix length. */
export function parseAddressMap(s: string): AddressRule[] {
  return s.split(',').map((p) => p.trim()).filter(Boolean).map((pair) => {
    const [from, to, ...rest] = pair.split('=');
    if (!from || !to || rest.length) throw new Error(`"${pair}" is not a rule such as 10.0.0.0/8=127.0.0.0/8`);
    const rule = { from: parseCidr(from), to: parseCidr(to) };
    if (rule.from.bits !== rule.to.bits) throw new Error(`"${pair}": both sides need the same prefix length`);
    return rule;
  });
}

/** The address an IP is reached at under the rules (the first matching rule wins); unchanged when none matches. */
export function mapAddress(ip: string, rules: AddressRule[]): string {
  for (const r of rules) {
    if (inCidr(ip, r.from)) return intToIp((r.to.base | (ipToInt(ip) & ~mask(r.from.bits))) >>> 0);
  }
  return ip;
}

/** The local stack's rule: pod IPs in 10.0.0.0/8 are served on loopback. */
export const LOCAL_ADDRESS_MAP = '10.0.0.0/8=127.0.0.0/8';
export const LOOPBACK = '127.0.0.0/8';
