import ipaddr from 'ipaddr.js';
import { nonPublic, systemResolve, type AllowList, type Resolve } from './git-guard.js';

export type { AllowList };

/**
 * The guard against request forgery through what tenants make Yunbang connect to (log drains,
 * notification webhooks), by the git guard's rule: the host
 * must resolve to public addresses only, unless the operator allows it (YUNBANG_OUTBOUND_ALLOWED_HOSTS:
 * names, addresses or CIDRs). Returns the addresses to connect to (the caller pins the connection
 * to them), or throws saying why. Never connects.
 */
export async function checkOutboundHost(host: string, allow: AllowList, resolve: Resolve = systemResolve): Promise<string[]> {
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try { addresses = await resolve(host); } catch { throw new Error(`the host ${host} does not resolve`); }
    if (addresses.length === 0) throw new Error(`the host ${host} does not resolve`);
  }
  if (allow.names.has(host)) return addresses;
  const inList = (a: string) => { const p = ipaddr.process(a); return allow.ranges.some(([net, bits]) => p.kind() === net.kind() && p.match(net, bits)); };
  for (const a of addresses) {
    if (inList(a)) continue;
    const why = nonPublic(a);
    if (why) throw new Error(`${host === a ? a : `the host ${host} resolves to ${a}, which`} is ${why}; receivers on internal networks must be in YUNBANG_OUTBOUND_ALLOWED_HOSTS`);
  }
  return addresses;
}
