import * as k8s from '@kubernetes/client-node';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { parseAllowList } from './net/git-guard.js';
import type { Etcd3 } from 'etcd3';
import PgBoss from 'pg-boss';
import './db/pg-boss-patch.js';
import { sealLegacyWebhookSecrets } from './webhooks/handle.js';
import type { Config } from './config.js';
import { createPool, type Db } from './db/pool.js';
import { migrate } from './db/migrate.js';
import type { Probe } from './http/server.js';
import type { Deps } from './intents/context.js';
import { createNotifyQueue, createQueues } from './intents/queues.js';
import { log } from './log.js';
import { withTimeout } from './timeout.js';
import { kubeClients, type Kube } from './kube.js';
import { ClusterClients } from './clusters/clients.js';
import { ensureEnvCluster } from './intents/clusters.js';
import { PrometheusClient } from './observe/prometheus.js';
import { etcdClient } from './publish/etcd-client.js';

/** The connections one process holds: Postgres, the job queue, etcd and the Kubernetes API. */
export interface Platform {
  config: Config;
  db: Db;
  boss: PgBoss;
  etcd: Etcd3;
  kube: Kube;
  /** The API's own identity (YUNBANG_API_KUBECONFIG; else the same as kube). */
  apiKube: Kube;
  deps: Deps;
  probes: Probe[];
  close(): Promise<void>;
}

export function loadKubeConfig(path: string | undefined): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (path) kc.loadFromFile(path); else kc.loadFromCluster();
  return kc;
}

/**
 * Connects everything and brings the schema up to date (node-pg-migrate and pg-boss both take
 * locks, so several processes may start at once). `supervise` runs pg-boss maintenance: the
 * worker does, the API does not.
 */
export async function connect(config: Config, opts: { supervise: boolean }): Promise<Platform> {
  await migrate(config.DATABASE_URL);
  const db = createPool(config.DATABASE_URL, 20);
  const sealed = await sealLegacyWebhookSecrets(db, config.YUNBANG_SECRET_KEY);
  if (sealed > 0) log.info({ apps: sealed }, 'sealed webhook secrets stored before sealing existed');
  const boss = new PgBoss({
    connectionString: config.DATABASE_URL, schema: config.YUNBANG_BOSS_SCHEMA, max: 10,
    supervise: opts.supervise, schedule: opts.supervise, maintenanceIntervalSeconds: config.YUNBANG_MAINTENANCE_SECONDS,
  });
  // Log the message only: pg errors carry the whole client object.
  boss.on('error', (err: Error & { code?: string }) => log.error({ error: err.message, code: err.code }, 'pg-boss error'));
  await boss.start();
  const etcd = etcdClient(config.ETCD_ENDPOINTS);
  const kubeConfig = loadKubeConfig(config.KUBECONFIG);
  const kube = kubeClients(kubeConfig);
  // The cluster this process's own KUBECONFIG names is registered under YUNBANG_CLUSTER_NAME.
  await ensureEnvCluster(db, { name: config.YUNBANG_CLUSTER_NAME, server: kubeConfig.getCurrentCluster()?.server ?? 'in-cluster', appsDomain: config.YUNBANG_APPS_DOMAIN });
  await createQueues(boss, db, { timeoutSeconds: config.YUNBANG_JOB_TIMEOUT_SECONDS });
  await createNotifyQueue(boss);
  // The API reads pod logs as itself (yunbang-api), never with the worker's rights.
  const apiKube = config.YUNBANG_API_KUBECONFIG ? kubeClients(loadKubeConfig(config.YUNBANG_API_KUBECONFIG)) : kube;
  const apiClusters = new ClusterClients({ db, secretKey: config.YUNBANG_SECRET_KEY, identity: 'api', envKube: apiKube, etcd });
  const health = new k8s.Health(kubeConfig);
  const probes: Probe[] = [
    { name: 'postgres', check: async () => { await db.query('SELECT 1'); } },
    { name: 'etcd', check: async () => { await withTimeout(etcd.maintenance.status(), 3000, 'etcd'); } },
    { name: 'kubernetes', check: async () => { if (!(await withTimeout(health.readyz({ timeout: 3000 }), 3000, 'kubernetes'))) throw new Error('not ready'); } },
  ];
  return {
    config, db, boss, etcd, kube, apiKube, probes,
    deps: { db, boss, clusters: apiClusters, clusterTimeoutMs: config.YUNBANG_CLUSTER_TIMEOUT_SECONDS * 1000, jobTimeoutSeconds: config.YUNBANG_JOB_TIMEOUT_SECONDS,
      moveTimeoutSeconds: config.YUNBANG_MOVE_TIMEOUT_SECONDS, namespacePrefix: config.YUNBANG_NAMESPACE_PREFIX, publicUrl: config.YUNBANG_PUBLIC_URL,
      gitAllow: parseAllowList(config.YUNBANG_GIT_ALLOWED_HOSTS), outboundAllow: parseAllowList(config.YUNBANG_OUTBOUND_ALLOWED_HOSTS),
      detectLimiter: new RateLimiterMemory({ points: config.YUNBANG_DETECT_PER_MINUTE, duration: 60 }),
      teamDefaults: { quota: config.YUNBANG_TEAM_QUOTA, builds: config.YUNBANG_BUILDS_PER_TEAM, containers: { requests: config.YUNBANG_CONTAINER_DEFAULT_REQUESTS, limits: config.YUNBANG_CONTAINER_DEFAULT_LIMITS },
        logRetention: { days: config.YUNBANG_LOG_RETENTION_DAYS, megabytes: config.YUNBANG_LOG_RETENTION_MB } },
      metrics: config.YUNBANG_PROMETHEUS_URL ? { prometheus: new PrometheusClient(config.YUNBANG_PROMETHEUS_URL), scrapeSeconds: config.YUNBANG_PROMETHEUS_SCRAPE_SECONDS } : undefined,
      apps: { domain: config.YUNBANG_APPS_DOMAIN, httpPort: config.YUNBANG_APPS_HTTP_PORT, httpsPort: config.YUNBANG_APPS_HTTPS_PORT }, secretKey: config.YUNBANG_SECRET_KEY },
    close: async () => {
      await boss.stop({ graceful: true, timeout: 5000, wait: true }).catch(() => {});
      apiClusters.close();
      etcd.close();
      await db.end();
    },
  };
}
