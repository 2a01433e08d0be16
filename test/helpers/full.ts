import * as k8s from '@kubernetes/client-node';
import { onCluster, realNodeEnv } from './node-env.js';
import type { ExtraCluster } from '../../scripts/local/stack.js';
import { Etcd3 } from 'etcd3';
import pg from 'pg';
import { inject } from 'vitest';
import { run, type Running } from '../../server/main.js';
import { freshDatabase, ADMIN, SECRET_KEY } from './platform.js';
import { freePort } from '../../scripts/local/proc.js';
import { LOCAL_GIT_HOSTS } from '../../scripts/local/stack.js';

export interface FullPlatform {
  url: string;
  running: Running;
  databaseUrl: string;
  etcd: Etcd3;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  net: k8s.NetworkingV1Api;
  rbac: k8s.RbacAuthorizationV1Api;
  /** On a real node, deletes a team's namespace now (its pods' CPU and memory with it); a no-op on a simulated one. */
  releaseTeam(team: string): Promise<void>;
  close(): Promise<void>;
}

/** The API and the worker as production runs them (server/main.ts), on the run's real stack. */
/**
 * `o.cluster`: run on another local cluster than `local` (its identities; the admin's client of
 * it for the test's assertions), e.g. a simulated one where a test needs two alike.
 */
export async function startFullPlatform(extraEnv: Record<string, string> = {}, o: { cluster?: ExtraCluster } = {}): Promise<FullPlatform> {
  const stack = inject('stack');
  extraEnv = { ...onCluster(o.cluster), ...extraEnv };
  const databaseUrl = await freshDatabase();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const running = await run(['api', 'worker'], {
    // As production runs: the worker and the API as their own service accounts (k8s/install's RBAC).
    DATABASE_URL: databaseUrl, ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG, YUNBANG_PUBLIC_URL: url,
    YUNBANG_ADMIN_TOKEN: ADMIN, YUNBANG_SECRET_KEY: SECRET_KEY, YUNBANG_GIT_ALLOWED_HOSTS: LOCAL_GIT_HOSTS, PORT: String(port), HOST: '127.0.0.1', YUNBANG_WORKER_CONCURRENCY: '2',
    ...realNodeEnv(stack.realNode), ...extraEnv,
  });
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(o.cluster?.KUBECONFIG ?? stack.KUBECONFIG);
  const etcd = new Etcd3({ hosts: stack.ETCD_ENDPOINTS });
  const real = o.cluster ? !!o.cluster.realNode : !!stack.realNode;
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return {
    url, running, databaseUrl, etcd, kc,
    core, apps: kc.makeApiClient(k8s.AppsV1Api), net: kc.makeApiClient(k8s.NetworkingV1Api), rbac: kc.makeApiClient(k8s.RbacAuthorizationV1Api),
    releaseTeam: async (team) => { if (real) await core.deleteNamespace({ name: `yb-${team}` }).catch(() => undefined); },
    close: async () => {
      etcd.close();
      await running.stop();
      if (real) await releaseNamespaces(databaseUrl, core);
    },
  };
}

/**
 * A real node has this machine's 2 cores, shared by every test file: when a file's platform stops,
 * the namespaces of its teams go (their pods' CPU requests with them), so later files' pods fit.
 */
async function releaseNamespaces(databaseUrl: string, core: k8s.CoreV1Api) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ namespace: string }>('SELECT DISTINCT namespace FROM teams');
    await Promise.all(rows.map((r) => core.deleteNamespace({ name: r.namespace }).catch(() => undefined)));
  } finally { await db.end(); }
}

type Falsy = undefined | null | false | 0 | '';

/**
 * Polls until `check` gives a truthy value and returns it; fails with what was waited for and the
 * last value or error. Only a truthy value ends the wait: a check that reads something not there
 * yet (null, undefined, false, 0, '') keeps waiting rather than passing on nothing.
 */
export async function eventually<T>(what: string, check: () => Promise<T>, timeoutMs = 15_000): Promise<Exclude<T, Falsy>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v as Exclude<T, Falsy>;
      last = v;
    } catch (err) { last = err; }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

/**
 * The positive signal that the worker has acted on a change made at `since`: a job for `key` (an
 * app's, team's or build's id, the jobs' singleton key) completed after it, and none for it is
 * queued, retrying or running. Assert an absence only after this, never after a fixed sleep.
 */
export async function jobsSettled(db: { query: pg.Client['query'] }, key: string, since: Date): Promise<boolean> {
  const { rows } = await db.query<{ pending: number; done: number }>(
    `SELECT count(*) FILTER (WHERE state IN ('created', 'retry', 'active'))::int AS pending,
            count(*) FILTER (WHERE state = 'completed' AND completed_on >= $2)::int AS done
       FROM pgboss.job WHERE singleton_key = $1`, [key, since]);
  return rows[0]!.pending === 0 && rows[0]!.done > 0;
}

export const notFound = async (p: Promise<unknown>) => {
  try { await p; return false; } catch (err) { return (err as { code?: number }).code === 404; }
};
