import { isDeepStrictEqual } from 'node:util';
import type { Etcd3 } from 'etcd3';

/**
 * The one owner of Yunbang's etcd key layout, read by load balancers and other consumers:
 *
 *   /yunbang/v1/apps/<team>/<app>   AppRecord   (one per live app)
 *   /yunbang/v1/routes/<host>       RouteRecord (one per host: the app's default domain and its custom domains)
 *   /yunbang/v1/acme/http-01/<token> the answer to an ACME HTTP-01 challenge, written by the gateway
 *                                   that ordered the certificate so any gateway replica can answer the
 *                                   CA (public by design: the CA fetches it over plain HTTP)
 *   /yunbang/v1/certs/<secret name>  a TLS certificate and its key, SEALED (AES-256-GCM) under
 *                                   YUNBANG_GATEWAY_KEY, which only the gateways and the worker hold
 *                                   (from a Kubernetes Secret): what one gateway replica had issued
 *                                   by ACME, so every replica serves it. etcd holds ciphertext only,
 *                                   as Kubernetes' own encryption at rest keeps Secrets in etcd.
 *   /yunbang/v1/acme/account         the ACME account key, sealed the same way (one account for every replica)
 *   /yunbang/v1/wake/<team>/<app>    a gateway holding requests for a sleeping app asks it to wake
 *                                   (scale to zero, beta); the worker watches the prefix, wakes the
 *                                   app and deletes the key
 *   /yunbang/v1/activity/<team>/<app> when a gateway last passed a request to an app that may sleep
 *                                   (ms since the epoch, written at most every 30 s per replica);
 *                                   the worker puts the app to sleep after its idle window
 *
 * The gateway (gateway/) watches the routes/ prefix and nothing else; a route carries everything
 * it needs to serve the host: the ready endpoints, whether the app is stopped, and the Secret
 * holding the host's certificate when the app has TLS.
 *
 * Clusters: both records carry the `cluster` the app runs in. A cluster registered with etcd
 * endpoints of its own gets its apps' records there (its gateway watches that etcd); the others
 * share the platform's etcd, where a gateway serving one cluster filters routes on `cluster`
 * (YUNBANG_GATEWAY_CLUSTERS) and a gateway without a filter serves every cluster's. A host has one
 * key whatever the cluster, so moving an app switches its routes in one write. Fields are only ever added to a record
 * (readers treat a missing one as its old meaning), so old gateways keep working.
 *
 * Writes happen only when a record changed, in a transaction conditional on the revision read,
 * so a stale worker (an older generation of the same app) can never overwrite a newer record.
 * No secret value is ever written here in the clear: records carry names, addresses and counts,
 * and certificates only sealed.
 */
export const PREFIX = '/yunbang/v1';
export const appKey = (team: string, app: string) => `${PREFIX}/apps/${team}/${app}`;
export const ROUTES_PREFIX = `${PREFIX}/routes/`;
export const routeKey = (host: string) => `${ROUTES_PREFIX}${host}`;
export const WAKE_PREFIX = `${PREFIX}/wake/`;
export const wakeKey = (team: string, app: string) => `${WAKE_PREFIX}${team}/${app}`;
export const ACTIVITY_PREFIX = `${PREFIX}/activity/`;
export const activityKey = (team: string, app: string) => `${ACTIVITY_PREFIX}${team}/${app}`;
/** team and app of a wake or activity key under `prefix`; undefined for any other key. */
export function appOfKey(prefix: string, key: string): { team: string; app: string } | undefined {
  const m = /^([a-z0-9-]{1,63})\/([a-z0-9-]{1,63})$/.exec(key.startsWith(prefix) ? key.slice(prefix.length) : '');
  return m ? { team: m[1]!, app: m[2]! } : undefined;
}
export const acmeChallengeKey = (token: string) => `${PREFIX}/acme/http-01/${token}`;
export const CERTS_PREFIX = `${PREFIX}/certs/`;
export const certKey = (secretName: string) => `${CERTS_PREFIX}${secretName}`;
export const ACME_ACCOUNT_KEY = `${PREFIX}/acme/account`;
/** Held by the gateway replica ordering a certificate, so one replica orders it and the others wait for it. */
export const certLockKey = (secretName: string) => `${PREFIX}/locks/certs/${secretName}`;

export interface AppRecord {
  appId: string;
  team: string;
  app: string;
  /** The cluster the app runs in (absent in records from before clusters existed). */
  cluster?: string;
  release: number | null;
  image: string;
  replicas: { desired: number; ready: number };
  health: string;
  /** host:port of the app's Service inside the cluster */
  service: string;
  /** pod IP:port of every ready pod */
  endpoints: string[];
  /** Every host routed to the app: its default domain (if it has one) and its custom domains, sorted. */
  domains: string[];
  /** `<app>-<team>.<apps domain>`; null for backing services, which only their dependents reach. */
  defaultDomain: string | null;
  /** Stopped on purpose (zero replicas): the gateway answers 503 "app stopped" instead of "not ready". */
  stopped: boolean;
  /** Scaled to zero while idle (beta): the gateway holds requests and wakes it. */
  sleeping: boolean;
  /** Its autoscaling rule lets it sleep when idle: the gateway reports its requests (ACTIVITY_PREFIX). */
  canSleep: boolean;
  /** host → name of the Secret holding its certificate, for every host of an app with TLS; empty without. */
  tlsSecrets: Record<string, string>;
  generation: number;
  updatedAt: string;
}

export interface RouteRecord {
  team: string;
  app: string;
  /** The cluster the endpoints are in (absent in records from before clusters existed). */
  cluster?: string;
  service: string;
  port: number;
  /** pod IP:port of every ready pod; empty while none is ready. */
  endpoints: string[];
  stopped: boolean;
  sleeping: boolean;
  canSleep: boolean;
  /** Where the host's certificate is (the name of a kubernetes.io/tls Secret); null: plain HTTP. */
  tls: { secretName: string } | null;
}

export type PublishOutcome = 'written' | 'unchanged' | 'stale';

interface Current<T> { value: T | undefined; rev: string }

async function read<T>(etcd: Etcd3, key: string): Promise<Current<T>> {
  const res = await etcd.get(key).exec();
  const kv = res.kvs[0];
  return kv ? { value: JSON.parse(kv.value.toString()) as T, rev: String(kv.mod_revision) } : { value: undefined, rev: '0' };
}

const withoutTime = ({ updatedAt: _, ...rest }: AppRecord) => rest;
const same = (a: AppRecord, b: AppRecord) => isDeepStrictEqual(withoutTime(a), withoutTime(b));
/** Whether publishing `b` over `a` would change nothing (the time of writing aside). */
export const samePublished = same;

export function routeOf(r: AppRecord, host: string): RouteRecord {
  const port = Number(r.service.slice(r.service.lastIndexOf(':') + 1));
  const secretName = r.tlsSecrets[host];
  return { team: r.team, app: r.app, ...(r.cluster ? { cluster: r.cluster } : {}), service: r.service, port, endpoints: r.endpoints, stopped: r.stopped, sleeping: r.sleeping, canSleep: r.canSleep, tls: secretName ? { secretName } : null };
}

/** Deletes of route keys that `owner` no longer claims, guarded on their revision (another app may own the host now). */
async function routeDeletes(etcd: Etcd3, owner: { team: string; app: string }, hosts: string[]) {
  const guards: { key: string; rev: string }[] = [];
  for (const host of hosts) {
    const cur = await read<RouteRecord>(etcd, routeKey(host));
    if (cur.value && cur.value.team === owner.team && cur.value.app === owner.app) guards.push({ key: routeKey(host), rev: cur.rev });
  }
  return guards;
}

/** Publishes an app's record and its routes if anything changed. Retries when another writer raced it. */
export async function publishApp(etcd: Etcd3, record: AppRecord): Promise<PublishOutcome> {
  const key = appKey(record.team, record.app);
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await read<AppRecord>(etcd, key);
    if (cur.value && cur.value.appId === record.appId) {
      if (cur.value.generation > record.generation) return 'stale';
      if (same(cur.value, record)) return 'unchanged';
    }
    const removed = (cur.value?.domains ?? []).filter((d) => !record.domains.includes(d));
    const guards = await routeDeletes(etcd, record, removed);
    let txn = etcd.if(key, 'Mod', '==', cur.rev);
    for (const g of guards) txn = txn.and(g.key, 'Mod', '==', g.rev);
    const result = await txn.then(
      etcd.put(key).value(JSON.stringify(record)),
      ...record.domains.map((host) => etcd.put(routeKey(host)).value(JSON.stringify(routeOf(record, host)))),
      ...guards.map((g) => etcd.delete().key(g.key)),
    ).commit();
    if (result.succeeded) return 'written';
  }
  throw new Error(`etcd: ${key} kept changing under concurrent writers`);
}

/** Removes an app's record and the routes it still owns (only if the record is this app's). */
export async function unpublishApp(etcd: Etcd3, appId: string, team: string, app: string): Promise<void> {
  const key = appKey(team, app);
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await read<AppRecord>(etcd, key);
    if (!cur.value || cur.value.appId !== appId) return; // never published, or a newer app of the same name owns it
    const guards = await routeDeletes(etcd, cur.value, cur.value.domains);
    let txn = etcd.if(key, 'Mod', '==', cur.rev);
    for (const g of guards) txn = txn.and(g.key, 'Mod', '==', g.rev);
    const result = await txn.then(etcd.delete().key(key), ...guards.map((g) => etcd.delete().key(g.key))).commit();
    if (result.succeeded) return;
  }
  throw new Error(`etcd: ${key} kept changing under concurrent writers`);
}

export async function readApp(etcd: Etcd3, team: string, app: string): Promise<AppRecord | undefined> {
  return (await read<AppRecord>(etcd, appKey(team, app))).value;
}

/** Every app record in this etcd, by `team/app`, in one range read (the resync compares them all). */
export async function readAllApps(etcd: Etcd3): Promise<Map<string, AppRecord>> {
  const all = await etcd.getAll().prefix(`${PREFIX}/apps/`).strings();
  const out = new Map<string, AppRecord>();
  for (const [key, value] of Object.entries(all)) out.set(key.slice(`${PREFIX}/apps/`.length), JSON.parse(value) as AppRecord);
  return out;
}

export async function readRoute(etcd: Etcd3, host: string): Promise<RouteRecord | undefined> {
  return (await read<RouteRecord>(etcd, routeKey(host))).value;
}
