import { z } from 'zod';
import { parseAddressMap, parseCidr, type AddressRule, type Cidr } from './address-map.js';
import { PLACEHOLDER, listenAddress, notPlaceholder } from '../src/config.js';
import { isRoutableHost } from './routes.js';
import type { PlatformRouteConfig } from './platform-route.js';

/**
 * The gateway's configuration: environment variables only (12-factor), validated at start with
 * every bad value named. The gateway needs etcd and nothing else of Yunbang's: no database, no
 * Kubernetes credentials.
 */

const schema = z.object({
  ETCD_ENDPOINTS: z.string().min(1, 'required').transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().url('must be a URL')).min(1, 'needs at least one endpoint')),
  YUNBANG_GATEWAY_DIR: z.string().min(1).default('/var/lib/yunbang-gateway'),
  YUNBANG_GATEWAY_HTTP_LISTEN: listenAddress.default('0.0.0.0:8080'),
  // "" or "off": no HTTPS; TLS routes are then served over plain HTTP.
  YUNBANG_GATEWAY_HTTPS_LISTEN: z.union([listenAddress, z.enum(['', 'off']).transform(() => null)]).default('0.0.0.0:8443'),
  YUNBANG_GATEWAY_STATUS_LISTEN: listenAddress.default('0.0.0.0:9090'),
  YUNBANG_APPS_HTTPS_PORT: z.coerce.number().int().min(1).max(65535).default(443),
  YUNBANG_GATEWAY_ADDRESS_MAP: z.string().default('').transform((v, ctx) => {
    try { return parseAddressMap(v); } catch (err) { ctx.addIssue({ code: 'custom', message: (err as Error).message }); return z.NEVER; }
  }),
  YUNBANG_GATEWAY_UPSTREAM_CIDRS: z.string().default('').transform((v, ctx) => {
    try { return v.split(',').map((s) => s.trim()).filter(Boolean).map(parseCidr); } catch (err) { ctx.addIssue({ code: 'custom', message: (err as Error).message }); return z.NEVER; }
  }),
  YUNBANG_GATEWAY_CERT_DIR: z.string().min(1).optional(),
  // Replicas share their ACME account and the certificates one of them had issued through etcd,
  // sealed under this key (from a Secret; the worker holds it too). Unset: each keeps its own.
  YUNBANG_GATEWAY_KEY: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)')
    .refine(notPlaceholder, PLACEHOLDER).optional(),
  YUNBANG_GATEWAY_LOCAL_CA_DIR: z.string().min(1).optional(),
  // ACME (HTTP-01): certificates for TLS hosts that have none, from Let's Encrypt or another ACME CA.
  YUNBANG_ACME_EMAIL: z.string().email('must be an e-mail address').optional(),
  YUNBANG_ACME_DIRECTORY: z.string().url('must be a URL').default('https://acme-v02.api.letsencrypt.org/directory'),
  // A private ACME CA's certificate to trust for its directory (e.g. step-ca); unset: the system's CAs.
  YUNBANG_ACME_CA_FILE: z.string().min(1).optional(),
  YUNBANG_GATEWAY_WORKERS: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(64)]).default('auto'),
  YUNBANG_GATEWAY_MAX_BODY: z.string().regex(/^\d+[kmg]?$/, 'must be an nginx size such as 10m').default('10m'),
  YUNBANG_GATEWAY_READ_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  YUNBANG_GATEWAY_SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(240),
  // On SIGTERM nginx keeps accepting this long before it quits gracefully: the Service's endpoints
  // drop a terminating pod a moment after it is told to stop, and connections arriving meanwhile must be served.
  YUNBANG_GATEWAY_DRAIN_SECONDS: z.coerce.number().min(0).max(120).default(0),
  // Scale to zero (beta): how long a request to a sleeping app is held while it wakes, before a 503
  // with Retry-After; and how often the apps that may sleep have their last request reported.
  YUNBANG_GATEWAY_WAKE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  YUNBANG_GATEWAY_ACTIVITY_EVERY_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  YUNBANG_GATEWAY_DEBOUNCE_MS: z.coerce.number().int().min(0).max(10_000).default(100),
  YUNBANG_GATEWAY_ACCESS_LOG: z.string().min(1).optional(),
  // Per-app request metrics, counted from nginx's access log; off: no access log is written for them.
  YUNBANG_GATEWAY_METRICS: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  YUNBANG_NGINX: z.string().min(1).default('/usr/sbin/nginx'),
  // The local stack's real node keeps pods in a network namespace of its own: nginx runs inside it
  // (entered with nsenter), and the stack forwards the listen ports there from loopback.
  YUNBANG_GATEWAY_NETNS: z.string().min(1).optional(),
  // Serve only these clusters' routes (a gateway in each cluster); empty: every cluster's.
  YUNBANG_GATEWAY_CLUSTERS: z.string().default('').transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  // The platform's own address (installed in a cluster): requests for YUNBANG_PUBLIC_URL's host go
  // to the API's Service, named by YUNBANG_GATEWAY_PLATFORM_UPSTREAM (host:port). Both or neither.
  YUNBANG_PUBLIC_URL: z.string().url('must be a URL').refine((u) => /^https?:$/.test(new URL(u).protocol), 'must be http or https').optional(),
  YUNBANG_GATEWAY_PLATFORM_UPSTREAM: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?:\d{1,5}$/, 'must be host:port, e.g. yunbang-api.yunbang-system.svc:80').optional(),
  YUNBANG_GATEWAY_PLATFORM_TLS_SECRET: z.string().min(1).default('yunbang-platform-tls'),
});

export interface GatewayConfig {
  etcdEndpoints: string[];
  dir: string;
  httpListen: string;
  httpsListen: string | null;
  statusListen: string;
  httpsPublicPort: number;
  addressMap: AddressRule[];
  upstreamCidrs: Cidr[];
  /** Certificates the operator mounted (Secrets, read-only), looked in first; null: none. */
  mountedCertDir: string | null;
  /** Where issued and shared certificates are written. */
  certDir: string;
  /** Seals what replicas share in etcd (issued certificates, the ACME account); null: each keeps its own. */
  gatewayKey: string | null;
  localCaDir: string | null;
  acme: { email: string; directoryUrl: string; caFile?: string } | null;
  workers: number | 'auto';
  maxBody: string;
  readTimeoutSeconds: number;
  shutdownTimeoutSeconds: number;
  wakeTimeoutSeconds: number;
  activityEveryMs: number;
  drainSeconds: number;
  debounceMs: number;
  accessLogFile: string | null;
  /** Count requests per app from the access log (the per-app metrics Prometheus scrapes). */
  requestMetrics: boolean;
  nginx: string;
  /** A network namespace file nginx runs in (the local real node's), or null: the gateway's own. */
  netns: string | null;
  clusters: string[];
  /** The platform's own route, or null (the local stack serves its API directly). */
  platform: PlatformRouteConfig | null;
}

export class GatewayConfigError extends Error {
  constructor(readonly problems: string[]) { super(`invalid gateway configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`); }
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const r = schema.safeParse(env);
  if (!r.success) {
    throw new GatewayConfigError(r.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      return `${name}: ${env[name] === undefined ? 'required but not set' : i.message}`;
    }));
  }
  const c = r.data;
  if (c.YUNBANG_ACME_EMAIL && c.YUNBANG_GATEWAY_LOCAL_CA_DIR) throw new GatewayConfigError(['YUNBANG_ACME_EMAIL, YUNBANG_GATEWAY_LOCAL_CA_DIR: choose one issuer']);
  // ACME's HTTP challenges are answered by the gateway process, which nginx inside a namespace cannot reach.
  if (c.YUNBANG_ACME_EMAIL && c.YUNBANG_GATEWAY_NETNS) throw new GatewayConfigError(['YUNBANG_ACME_EMAIL, YUNBANG_GATEWAY_NETNS: ACME is not served from a local node\'s namespace']);
  if (c.YUNBANG_GATEWAY_PLATFORM_UPSTREAM && !c.YUNBANG_PUBLIC_URL) throw new GatewayConfigError(['YUNBANG_PUBLIC_URL: required with YUNBANG_GATEWAY_PLATFORM_UPSTREAM (the host the platform is served at)']);
  const platformHost = c.YUNBANG_PUBLIC_URL ? new URL(c.YUNBANG_PUBLIC_URL).hostname : '';
  if (c.YUNBANG_GATEWAY_PLATFORM_UPSTREAM && !isRoutableHost(platformHost)) throw new GatewayConfigError([`YUNBANG_PUBLIC_URL: its host ${platformHost} is not a DNS name the gateway can serve`]);
  return {
    etcdEndpoints: c.ETCD_ENDPOINTS, dir: c.YUNBANG_GATEWAY_DIR,
    httpListen: c.YUNBANG_GATEWAY_HTTP_LISTEN, httpsListen: c.YUNBANG_GATEWAY_HTTPS_LISTEN, statusListen: c.YUNBANG_GATEWAY_STATUS_LISTEN,
    httpsPublicPort: c.YUNBANG_APPS_HTTPS_PORT,
    addressMap: c.YUNBANG_GATEWAY_ADDRESS_MAP, upstreamCidrs: c.YUNBANG_GATEWAY_UPSTREAM_CIDRS,
    mountedCertDir: c.YUNBANG_GATEWAY_CERT_DIR ?? null, certDir: `${c.YUNBANG_GATEWAY_DIR}/certs`,
    gatewayKey: c.YUNBANG_GATEWAY_KEY ?? null,
    localCaDir: c.YUNBANG_GATEWAY_LOCAL_CA_DIR ?? null,
    acme: c.YUNBANG_ACME_EMAIL ? { email: c.YUNBANG_ACME_EMAIL, directoryUrl: c.YUNBANG_ACME_DIRECTORY, caFile: c.YUNBANG_ACME_CA_FILE } : null,
    workers: c.YUNBANG_GATEWAY_WORKERS, maxBody: c.YUNBANG_GATEWAY_MAX_BODY,
    readTimeoutSeconds: c.YUNBANG_GATEWAY_READ_TIMEOUT_SECONDS, shutdownTimeoutSeconds: c.YUNBANG_GATEWAY_SHUTDOWN_TIMEOUT_SECONDS,
    wakeTimeoutSeconds: c.YUNBANG_GATEWAY_WAKE_TIMEOUT_SECONDS, activityEveryMs: c.YUNBANG_GATEWAY_ACTIVITY_EVERY_MS,
    drainSeconds: c.YUNBANG_GATEWAY_DRAIN_SECONDS,
    debounceMs: c.YUNBANG_GATEWAY_DEBOUNCE_MS, accessLogFile: c.YUNBANG_GATEWAY_ACCESS_LOG ?? null, requestMetrics: c.YUNBANG_GATEWAY_METRICS === 'on', nginx: c.YUNBANG_NGINX,
    netns: c.YUNBANG_GATEWAY_NETNS ?? null, clusters: c.YUNBANG_GATEWAY_CLUSTERS,
    platform: c.YUNBANG_GATEWAY_PLATFORM_UPSTREAM ? {
      host: platformHost,
      upstream: { host: c.YUNBANG_GATEWAY_PLATFORM_UPSTREAM.replace(/:\d+$/, ''), port: Number(c.YUNBANG_GATEWAY_PLATFORM_UPSTREAM.replace(/^.*:/, '')) },
      tlsSecret: c.YUNBANG_PUBLIC_URL!.startsWith('https:') ? c.YUNBANG_GATEWAY_PLATFORM_TLS_SECRET : null,
    } : null,
  };
}
