import { z } from 'zod';
import { ROUTES_PREFIX, type RouteRecord } from '../src/publish/etcd.js';
import { inCidr, isIpv4, mapAddress, type AddressRule, type Cidr } from './address-map.js';

/**
 * Routes as the gateway uses them, from etcd records it does not trust. Everything that reaches the
 * nginx configuration passes through here: hosts are DNS names (from the key, never from the
 * value), team and app are DNS labels, endpoints are IPv4:port, the TLS secret is a Kubernetes
 * name. A record that fails any check is skipped with a reason and never affects other routes.
 * Pure functions.
 */
export interface Route {
  host: string;
  team: string;
  app: string;
  /** Upstream addresses (ip:port), after the address map; empty when no pod is ready. */
  endpoints: string[];
  stopped: boolean;
  /** Scaled to zero while idle (beta): requests are held by the waker while the app wakes. */
  sleeping: boolean;
  /** The app may be put to sleep when idle: the gateway reports when it was last requested. */
  canSleep: boolean;
  /** The Secret holding the host's certificate; null for plain HTTP. */
  tls: { secretName: string } | null;
}

export interface Skipped { key: string; reason: string }

const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A host nginx may be given: lower-case DNS labels, at least two, an optional leading "*." wildcard. */
export function isRoutableHost(host: string): boolean {
  if (host.length > 253) return false;
  const labels = host.split('.');
  if (labels.length < 2 || /^\d+$/.test(labels.at(-1)!)) return false;
  return labels.every((l, i) => (i === 0 && l === '*' && labels.length > 2) || LABEL.test(l));
}

const endpoint = z.string().refine((e) => {
  const i = e.lastIndexOf(':');
  const port = Number(e.slice(i + 1));
  return i > 0 && isIpv4(e.slice(0, i)) && /^\d{1,5}$/.test(e.slice(i + 1)) && port >= 1 && port <= 65535;
}, 'endpoints must be IPv4:port');

const record = z.object({
  team: z.string().regex(LABEL, 'team must be a DNS label'),
  app: z.string().regex(LABEL, 'app must be a DNS label'),
  cluster: z.string().regex(LABEL, 'cluster must be a DNS label').optional(),
  port: z.number().int().min(1).max(65535),
  endpoints: z.array(endpoint).max(1000),
  // Records written before these fields existed mean: running, plain HTTP.
  stopped: z.boolean().default(false),
  sleeping: z.boolean().default(false),
  canSleep: z.boolean().default(false),
  tls: z.object({ secretName: z.string().max(253).regex(DNS1123_SUBDOMAIN, 'tls.secretName must be a Kubernetes name') }).nullable().default(null),
});

export interface UpstreamPolicy {
  /** Applied to every endpoint (the local stack's pod IP → loopback rule); empty in production. */
  addressMap: AddressRule[];
  /** When non-empty, an endpoint outside these ranges (after mapping) is never rendered. */
  allowed: Cidr[];
  /** When non-empty, only routes of these clusters are served (a gateway per cluster); others are not this gateway's. */
  clusters?: string[];
}

export type Parsed = { route: Route } | { skipped: Skipped } | { elsewhere: string };

/** One etcd key/value as a route, or why it was skipped. */
export function parseRoute(key: string, value: string, policy: UpstreamPolicy): Parsed {
  const skip = (reason: string): Parsed => ({ skipped: { key, reason } });
  if (!key.startsWith(ROUTES_PREFIX)) return skip('not a route key');
  const host = key.slice(ROUTES_PREFIX.length);
  if (!isRoutableHost(host)) return skip('the host is not a DNS name');
  let json: unknown;
  try { json = JSON.parse(value); } catch { return skip('the value is not JSON'); }
  const r = record.safeParse(json);
  if (!r.success) return skip(r.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; '));
  if (policy.clusters?.length && !policy.clusters.includes(r.data.cluster ?? '')) return { elsewhere: key };
  const endpoints: string[] = [];
  for (const e of r.data.endpoints) {
    const i = e.lastIndexOf(':');
    const ip = mapAddress(e.slice(0, i), policy.addressMap);
    if (policy.allowed.length > 0 && !policy.allowed.some((c) => inCidr(ip, c))) {
      return skip(`endpoint ${e} maps to ${ip}, outside the allowed upstream ranges`);
    }
    endpoints.push(`${ip}:${e.slice(i + 1)}`);
  }
  const { team, app, stopped, sleeping, canSleep, tls } = r.data;
  return { route: { host, team, app, endpoints: [...new Set(endpoints)].sort(), stopped, sleeping, canSleep, tls } };
}

/** Every record of a snapshot as routes (sorted by host) and the records skipped. */
export function parseRoutes(records: Map<string, string>, policy: UpstreamPolicy): { routes: Route[]; skipped: Skipped[] } {
  const routes: Route[] = [];
  const skipped: Skipped[] = [];
  for (const [key, value] of records) {
    const p = parseRoute(key, value, policy);
    if ('route' in p) routes.push(p.route); else if ('skipped' in p) skipped.push(p.skipped);
  }
  routes.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  return { routes, skipped };
}

export type { RouteRecord };
