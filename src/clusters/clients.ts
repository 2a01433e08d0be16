import * as k8s from '@kubernetes/client-node';
import type { Etcd3 } from 'etcd3';
import type { Queryable } from '../db/pool.js';
import { open } from '../crypto/box.js';
import { kubeClients, type Kube } from '../kube.js';
import { etcdClient } from '../publish/etcd-client.js';

/**
 * One Kubernetes client per cluster (and one etcd client per distinct etcd a cluster publishes
 * to), built from the cluster's sealed kubeconfig and cached until what they are built from changes. The cluster
 * of the processes' own KUBECONFIG uses the process's own clients. `identity` picks which of a
 * cluster's kubeconfigs: the worker's, or the API's (pod logs only).
 */
export interface ClusterRecord {
  id: string; name: string; fromEnv: boolean; appsDomain: string; etcdEndpoints: string[];
}

export interface ClusterConn {
  cluster: ClusterRecord; kube: Kube | undefined; etcd: Etcd3;
  /** What the clients were built from: a conn is rebuilt only when this changes (not on a cordon or a label). */
  source: string;
}

interface Row {
  id: string; name: string; from_env: boolean; apps_domain: string; etcd_endpoints: string[];
  kubeconfig: string | null; api_kubeconfig: string | null;
}

const SELECT = 'SELECT id, name, from_env, apps_domain, etcd_endpoints, kubeconfig, api_kubeconfig FROM clusters';

export class ClusterClients {
  private readonly conns = new Map<string, ClusterConn>();
  private readonly etcds = new Map<string, Etcd3>();

  constructor(private readonly o: {
    db: Queryable; secretKey: string; identity: 'worker' | 'api';
    /** The process's own clients: for the cluster its KUBECONFIG names, and the platform's etcd. */
    envKube: Kube | undefined; etcd: Etcd3;
  }) {}

  /** Every registered cluster, with fresh clients for those whose row changed. */
  async all(): Promise<ClusterConn[]> {
    const { rows } = await this.o.db.query<Row>(`${SELECT} ORDER BY name`);
    for (const name of this.conns.keys()) if (!rows.some((r) => r.name === name)) this.conns.delete(name);
    return rows.map((r) => this.connOf(r));
  }

  async get(name: string): Promise<ClusterConn | undefined> {
    const { rows } = await this.o.db.query<Row>(`${SELECT} WHERE name = $1`, [name]);
    return rows[0] ? this.connOf(rows[0]) : undefined;
  }

  private connOf(r: Row): ClusterConn {
    const cluster: ClusterRecord = { id: r.id, name: r.name, fromEnv: r.from_env, appsDomain: r.apps_domain, etcdEndpoints: r.etcd_endpoints };
    const source = JSON.stringify([cluster, r.kubeconfig, r.api_kubeconfig]);
    const cached = this.conns.get(r.name);
    if (cached?.source === source) return cached;
    const conn: ClusterConn = { cluster, kube: this.kubeOf(r), etcd: this.etcdOf(r.etcd_endpoints), source };
    this.conns.set(r.name, conn);
    return conn;
  }

  private kubeOf(r: Row): Kube | undefined {
    if (r.from_env) return this.o.envKube;
    const sealed = this.o.identity === 'worker' ? r.kubeconfig : r.api_kubeconfig;
    if (!sealed) return undefined;
    const kc = new k8s.KubeConfig();
    kc.loadFromString(open(this.o.secretKey, sealed, 'cluster-kubeconfig'));
    return kubeClients(kc);
  }

  private etcdOf(endpoints: string[]): Etcd3 {
    if (endpoints.length === 0) return this.o.etcd;
    const key = [...endpoints].sort().join(',');
    let etcd = this.etcds.get(key);
    if (!etcd) {
      etcd = etcdClient(endpoints);
      this.etcds.set(key, etcd);
    }
    return etcd;
  }

  close(): void {
    for (const e of this.etcds.values()) e.close();
    this.etcds.clear();
    this.conns.clear();
  }
}
