import type PgBoss from 'pg-boss';
import type { Etcd3 } from 'etcd3';
import type { Db } from '../src/db/pool.js';
import type { Kube } from '../src/kube.js';
import type { RenderSettings } from '../k8s/types.js';
import type { LiveReader } from './cache/live.js';

/** What an app reconcile works with in one cluster: its clients, and the render settings with its apps domain. */
export interface ReconcileEnv {
  db: Db; etcd: Etcd3; kube: Kube; settings: RenderSettings;
  cluster: { id: string; name: string; etcdEndpoints: string[] };
  boss: PgBoss;
  moveTimeoutSeconds: number;
  /** Apps' TLS Secrets are copied to etcd, sealed under this key, for the gateways (share-tls.ts); null: not copied. */
  gatewayKey?: string | null;
  /** Where current state is read from: the worker's watch cache of this cluster; absent, the API server. */
  live?: LiveReader;
}
