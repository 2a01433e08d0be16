import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * The guard against server-side request forgery through git URLs. A tenant names a URL; Yunbang
 * clones it from inside the platform (detectSource in the API, build pods in the cluster). Without
 * this, "https://169.254.169.254/..." or "http://10.0.0.1:2379/" would make Yunbang knock on the
 * cloud's metadata service or the cluster's etcd on the tenant's behalf.
 *
 * The rule: the host is resolved first, and the URL refused, before any connection, when any of its
 * addresses is not a public unicast one (loopback, private, link-local, unique-local, multicast,
 * carrier-grade NAT, reserved...). Plain http and the git protocol are refused too: https and ssh
 * only. The operator's allow list (YUNBANG_GIT_ALLOWED_HOSTS: host names, addresses or CIDRs) is the
 * exception for git servers on an internal network, which may then also speak plain http.
 */

export interface GitTarget { scheme: 'https' | 'http' | 'ssh'; host: string; port: number }

/** Where a git URL would connect: scheme, host (brackets of an IPv6 literal removed) and port. */
export function gitTarget(url: string): GitTarget | undefined {
  const scp = /^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):(?!\/\/)/.exec(url);
  if (scp) return { scheme: 'ssh', host: scp[1]!.toLowerCase(), port: 22 };
  let u: URL;
  try { u = new URL(url); } catch { return undefined; }
  const scheme = u.protocol.slice(0, -1);
  if (scheme !== 'https' && scheme !== 'http' && scheme !== 'ssh') return undefined;
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const port = u.port ? Number(u.port) : { https: 443, http: 80, ssh: 22 }[scheme];
  return { scheme, host, port };
}

export class GitUrlRefused extends Error {
  constructor(readonly rule: string) { super(rule); }
}

/** Parsed YUNBANG_GIT_ALLOWED_HOSTS: names match exactly (case-insensitive), addresses and CIDRs by range. */
export interface AllowList { names: Set<string>; ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] }

export function parseAllowList(entries: string[]): AllowList {
  const list: AllowList = { names: new Set(), ranges: [] };
  for (const raw of entries.map((e) => e.trim()).filter(Boolean)) {
    const e = raw.replace(/^\[(.*)\]$/, '$1');
    if (e.includes('/')) list.ranges.push(ipaddr.parseCIDR(e));
    else if (ipaddr.isValid(e)) { const a = ipaddr.parse(e); list.ranges.push([a, a.kind() === 'ipv4' ? 32 : 128]); }
    else list.names.add(e.toLowerCase());
  }
  return list;
}

const inList = (a: ipaddr.IPv4 | ipaddr.IPv6, list: AllowList) => list.ranges.some(([net, bits]) => a.kind() === net.kind() && a.match(net, bits));

/** Why an address is not public, in words, or undefined for a public unicast address. */
export function nonPublic(address: string): string | undefined {
  let a = ipaddr.parse(address);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  const range = a.range();
  if (range === 'unicast') return undefined;
  const words: Record<string, string> = {
    loopback: 'a loopback address', private: 'a private address', linkLocal: 'a link-local address (such as a cloud metadata service)',
    uniqueLocal: 'a unique-local address', multicast: 'a multicast address', carrierGradeNat: 'a carrier-grade NAT address',
    unspecified: 'the unspecified address', broadcast: 'the broadcast address',
  };
  return words[range] ?? `a reserved address (${range})`;
}

export type Resolve = (host: string) => Promise<string[]>;
export const systemResolve: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((r) => r.address);

/**
 * Checks a git URL; returns where it connects and the addresses it may use (the caller pins the
 * connection to them), or throws GitUrlRefused naming the rule. Never connects to the host.
 */
export async function checkGitUrl(url: string, allow: AllowList, resolve: Resolve = systemResolve): Promise<GitTarget & { addresses: string[]; allowed: boolean }> {
  const t = gitTarget(url);
  if (!t) throw new GitUrlRefused('only https and ssh git URLs are accepted');
  let addresses: string[];
  if (ipaddr.isValid(t.host)) addresses = [t.host];
  else {
    try { addresses = await resolve(t.host); } catch { throw new GitUrlRefused(`the host ${t.host} does not resolve`); }
    if (addresses.length === 0) throw new GitUrlRefused(`the host ${t.host} does not resolve`);
  }
  const allowed = allow.names.has(t.host) || addresses.every((a) => inList(ipaddr.process(a), allow));
  if (!allowed) {
    for (const a of addresses) {
      const why = nonPublic(a);
      if (why) throw new GitUrlRefused(`${t.host === a ? a : `the host ${t.host} resolves to ${a}, which`} is ${why}; git servers on internal networks must be in YUNBANG_GIT_ALLOWED_HOSTS`);
    }
    if (t.scheme === 'http') throw new GitUrlRefused('plain http is accepted only for hosts in YUNBANG_GIT_ALLOWED_HOSTS; use https');
  }
  return { ...t, addresses, allowed };
}
