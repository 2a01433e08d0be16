import type { Etcd3 } from 'etcd3';

/**
 * The one owner of Yunbang's etcd key layout, read by load balancers and other consumers:
 *
 *   /yunbang/v1/apps/<team>/<app>   AppRecord   (one per live app)
 *   /yunbang/v1/routes/<host>       RouteRecord (one per domain)
 *
 * Writes happen only when a record changed, in a transaction conditional on the revision read,
 * so a stale worker (an older generation of the same app) can never overwrite a newer record.
 * No secret value is ever written here: records carry names, addresses and counts only.
 */
export const PREFIX = '/yunbang/v1';
export const appKey = (team: string, app: string) => `${PREFIX}/apps/${team}/${app}`;
export const routeKey = (host: string) => `${PREFIX}/routes/${host}`;

export interface AppRecord {
  appId: string;
  team: string;
  app: string;
  release: number | null;
  image: string;
  replicas: { desired: number; ready: number };
  health: string;
  /** host:port of the app's Service inside the cluster */
  service: string;
  /** pod IP:port of every ready pod */
  endpoints: string[];
  domains: string[];
  generation: number;
  updatedAt: string;
}

export interface RouteRecord { team: string; app: string; service: string; port: number; endpoints: string[] }

export type PublishOutcome = 'written' | 'unchanged' | 'stale';

interface Current<T> { value: T | undefined; rev: string }

async function read<T>(etcd: Etcd3, key: string): Promise<Current<T>> {
  const res = await etcd.get(key).exec();
  const kv = res.kvs[0];
  return kv ? { value: JSON.parse(kv.value.toString()) as T, rev: String(kv.mod_revision) } : { value: undefined, rev: '0' };
}

const withoutTime = ({ updatedAt: _, ...rest }: AppRecord) => rest;
const same = (a: AppRecord, b: AppRecord) => JSON.stringify(withoutTime(a)) === JSON.stringify(withoutTime(b));

export function routeOf(r: AppRecord): RouteRecord {
  const port = Number(r.service.slice(r.service.lastIndexOf(':') + 1));
  return { team: r.team, app: r.app, service: r.service, port, endpoints: r.endpoints };
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
    const route = JSON.stringify(routeOf(record));
    const result = await txn.then(
      etcd.put(key).value(JSON.stringify(record)),
      ...record.domains.map((host) => etcd.put(routeKey(host)).value(route)),
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

export async function readRoute(etcd: Etcd3, host: string): Promise<RouteRecord | undefined> {
  return (await read<RouteRecord>(etcd, routeKey(host))).value;
}
