import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AllowList } from '../net/git-guard.js';
import type { ContainerDefaults } from './plan.js';
import type PgBoss from 'pg-boss';
import type { Db } from '../db/pool.js';
import type { Principal } from '../auth/principal.js';
import type { StatusHub } from '../status-hub.js';
import type { TokenCache } from '../auth/token-cache.js';
import type { PrometheusClient } from '../observe/prometheus.js';

export interface AppsSettings { domain: string; httpPort: number; httpsPort: number }

/** What intents need from the process: the database, the queue, and a few settings. */
export interface Deps {
  db: Db;
  boss: PgBoss;
  /** Prepended to a team's name to make its namespace, so teams never collide with system namespaces. */
  namespacePrefix: string;
  /** Seals git credentials at rest (YUNBANG_SECRET_KEY); absent: credentials are refused. */
  secretKey: string;
  /** The API's public base URL, for links such as webhook URLs. */
  publicUrl: string;
  /** Where end users reach apps: default domains and the gateway's public ports, for app URLs. */
  apps: AppsSettings;
  /** The plan of a team the admin gave none, and the LimitRange defaults its containers get. */
  teamDefaults: { quota: Record<string, string>; builds: number; containers: ContainerDefaults; logRetention: { days: number; megabytes: number } };
  /** Log drain hosts on internal networks that drains may name (YUNBANG_OUTBOUND_ALLOWED_HOSTS); every other must be public. */
  outboundAllow: AllowList;
  /** Git hosts on internal networks that git URLs may name (YUNBANG_GIT_ALLOWED_HOSTS); every other must be public. */
  gitAllow: AllowList;
  /** Limits detectSource per caller: it clones from the API process. */
  detectLimiter: RateLimiterAbstract;
  /** Every cluster's clients as the API's identity, for reading pod logs (API processes). */
  clusters?: import('../clusters/clients.js').ClusterClients;
  /** How long registering a cluster may wait on it before calling it unreachable. */
  clusterTimeoutMs: number;
  /** Job queues are made per cluster when one is registered, with this expiry. */
  jobTimeoutSeconds: number;
  /** How long a moved app may take to become Ready in its new cluster. */
  moveTimeoutSeconds: number;
  /** Status changes announced by the worker, for subscriptions (API processes only). */
  statusHub?: StatusHub;
  /** Team tokens recently looked up (API processes only); cleared when one is revoked. */
  tokenCache?: TokenCache;
  /** The Prometheus apps' metrics are read from (YUNBANG_PROMETHEUS_URL), and how often it scrapes; absent: metrics answer 503. */
  metrics?: { prometheus: PrometheusClient; scrapeSeconds: number };
}

/** One caller's view: the deps plus who is calling and the request being served. */
export interface Ctx extends Deps {
  principal: Principal;
  requestId?: string;
}
