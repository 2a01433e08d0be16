import { z } from 'zod';
import ipaddr from 'ipaddr.js';
import { parseAllowList } from './net/git-guard.js';
import { knownHosts } from './build/known-hosts.js';
import { QUANTITY } from './validation.js';

/**
 * Configuration comes only from environment variables (12-factor). It is validated once at
 * start; every bad or missing value is reported by name, and values are never echoed back
 * (some are secrets).
 */
const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try { return protocols.includes(new URL(v).protocol); } catch { return false; }
  }, `must be a URL (${protocols.join(' or ')})`);

/** "a=1,b=2" as a map; used for label selectors, quotas and resource defaults. */
const keyValues = (fallback: string) => z.string().default(fallback).transform((v, ctx) => {
  const out: Record<string, string> = {};
  for (const pair of v.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = pair.indexOf('=');
    if (i <= 0 || i === pair.length - 1) { ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of key=value' }); return z.NEVER; }
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
});

/** "10.96.0.0/12,203.0.113.7/32" as a list of IPv4 or IPv6 CIDRs. */
const cidrs = z.string().default('').transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .superRefine((list, ctx) => {
    for (const c of list) {
      try { ipaddr.parseCIDR(c); } catch { ctx.addIssue({ code: 'custom', message: `"${c}" is not a CIDR such as 10.96.0.0/12` }); }
    }
  });

// The example values of k8s/install's secrets.env: an install that kept one must not start
// (the gateway's YUNBANG_GATEWAY_KEY is checked with the same test).
/** Where a server listens: an IPv4 address or a bracketed IPv6 one, and a port (the gateway's listeners too). */
export const listenAddress = z.string().regex(/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):\d{1,5}$/, 'must be address:port, e.g. 0.0.0.0:8080');

export const notPlaceholder = (v: string) => !/CHANGE-ME/i.test(v);
export const PLACEHOLDER = "is the example value of k8s/install's secrets.env: set a random one of your own";

const schema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:']).refine(notPlaceholder, PLACEHOLDER),
  ETCD_ENDPOINTS: z.string().min(1, 'required')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(url(['http:', 'https:'])).min(1, 'needs at least one endpoint')),
  // Absent in a cluster: the in-cluster service account is used instead.
  KUBECONFIG: z.string().min(1).optional(),
  YUNBANG_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').refine(notPlaceholder, PLACEHOLDER),
  PORT: z.coerce.number().int().min(0, 'must be between 0 (any free port) and 65535').max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  YUNBANG_PUBLIC_URL: url(['http:', 'https:']).optional(),
  YUNBANG_MAX_BODY: z.string().regex(/^\d+(b|kb|mb)$/, 'must be like 512kb or 1mb').default('1mb'),
  // Git hosts on internal networks that git URLs may name (names, addresses or CIDRs); all others must resolve to public addresses.
  YUNBANG_GIT_ALLOWED_HOSTS: z.string().default('').transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .superRefine((hosts, ctx) => {
      for (const h of hosts) {
        try { parseAllowList([h]); } catch { ctx.addIssue({ code: 'custom', message: `"${h}" is not a host name, address or CIDR` }); }
        if (!h.includes('/') && !/^[A-Za-z0-9.:\-[\]]+$/.test(h)) ctx.addIssue({ code: 'custom', message: `"${h}" is not a host name, address or CIDR` });
      }
    }),
  // SSH host keys every clone trusts besides GitHub's, GitLab's and Bitbucket's (known_hosts lines, separated by newlines or ";").
  YUNBANG_GIT_KNOWN_HOSTS: knownHosts.default(''),
  // detectSource clones in the API process: at most this many per caller and minute.
  YUNBANG_DETECT_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(10),
  YUNBANG_NAMESPACE_PREFIX: z.string().regex(/^[a-z][-a-z0-9]{0,14}$/, 'must be lower-case letters, digits and "-", at most 15 characters').default('yb-'),
  YUNBANG_INGRESS_CLASS: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be an IngressClass name').default('nginx'),
  YUNBANG_INGRESS_NAMESPACE_SELECTOR: keyValues('kubernetes.io/metadata.name=ingress-nginx'),
  // The cluster's DNS pods: DNS egress goes there only.
  YUNBANG_DNS_NAMESPACE_SELECTOR: keyValues('kubernetes.io/metadata.name=kube-system'),
  YUNBANG_DNS_POD_SELECTOR: keyValues('k8s-app=kube-dns'),
  // Public addresses to close to pods' egress besides the private ranges (the API server's or nodes' public addresses).
  YUNBANG_EGRESS_DENY: cidrs,
  // Where build pods push images, when that is not a public address on 443: the registry's own address (10.100.0.5/32),
  // not a whole Service range, which holds the API server's address too.
  YUNBANG_REGISTRY_CIDRS: cidrs,
  YUNBANG_EGRESS_INTERNET: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true').transform((v) => v === 'true'),
  YUNBANG_TEAM_QUOTA: keyValues('pods=100,requests.cpu=8,requests.memory=16Gi,limits.cpu=16,limits.memory=32Gi'),
  YUNBANG_CONTAINER_DEFAULT_REQUESTS: keyValues('cpu=50m,memory=64Mi'),
  YUNBANG_CONTAINER_DEFAULT_LIMITS: keyValues('cpu=500m,memory=512Mi'),
  YUNBANG_TLS_SECRET_TEMPLATE: z.string().regex(/\{host\}/, 'must contain {host}').default('{host}-tls'),
  // How long the API trusts a team token it looked up (0: query on every request). Revocations still take effect at once.
  YUNBANG_TOKEN_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(10),
  // How long a web console sign-in lasts (the session ends sooner when its token is revoked).
  YUNBANG_SESSION_HOURS: z.coerce.number().min(0.01).max(24 * 30).default(12),
  // On SIGTERM the API keeps serving this long, answering /readyz with 503, before it stops
  // accepting: a rolling upgrade's load balancers (kube-proxy, the gateway) stop sending to a pod a
  // moment after it is told to stop, and requests arriving meanwhile must still be answered.
  YUNBANG_DRAIN_SECONDS: z.coerce.number().min(0).max(120).default(0),
  YUNBANG_RESYNC_SECONDS: z.coerce.number().int().min(5, 'must be at least 5').default(300),
  YUNBANG_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  YUNBANG_JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  YUNBANG_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // Seals what Yunbang keeps of secrets in PostgreSQL (git credentials, webhook secrets).
  YUNBANG_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').refine(notPlaceholder, PLACEHOLDER),
  // The key the gateway replicas share certificates under (gateway/shared-certs.ts): the worker seals
  // apps' TLS Secrets with it for them (jobs/share-tls.ts). Unset: apps' Secrets are not copied.
  YUNBANG_GATEWAY_KEY: z.string().min(32, 'must be at least 32 characters').refine(notPlaceholder, PLACEHOLDER).optional(),
  YUNBANG_REGISTRY: z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/, 'must be a registry host with an optional path, e.g. registry.example.com/yunbang').default('registry.yunbang.local:5000'),
  YUNBANG_REGISTRY_SECRET: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Secret name').optional(),
  YUNBANG_DETECTOR_IMAGE: z.string().min(1).default('ghcr.io/yunbang/yunbang:latest'),
  YUNBANG_GIT_IMAGE: z.string().min(1).default('alpine/git:latest'),
  YUNBANG_KANIKO_IMAGE: z.string().min(1).default('ghcr.io/osscontainertools/kaniko:latest'),
  YUNBANG_BUILD_DEADLINE_SECONDS: z.coerce.number().int().min(5).max(86400).default(1800),
  YUNBANG_BUILD_MEMORY: z.string().regex(/^\d+(Mi|Gi)$/, 'must be like 2Gi').default('2Gi'),
  // A build's CPU limit, and its request (by default the same: guaranteed, as Kaniko's docs advise).
  YUNBANG_BUILD_CPU: z.string().regex(QUANTITY, 'must be a CPU quantity such as 1 or 500m').default('1'),
  YUNBANG_BUILD_CPU_REQUEST: z.string().regex(QUANTITY, 'must be a CPU quantity such as 1 or 500m').optional(),
  YUNBANG_BUILDS_PER_TEAM: z.coerce.number().int().min(1).max(100).default(2),
  // Default domains are <app>-<team>.<YUNBANG_APPS_DOMAIN>; point a wildcard DNS record for it at the
  // gateway. "localhost" suits one machine: curl and browsers resolve *.localhost to loopback.
  YUNBANG_APPS_DOMAIN: z.string().max(200).transform((v) => v.toLowerCase())
    .refine((v) => v.split('.').every((l) => /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(l)), 'must be a domain such as apps.example.com').default('localhost'),
  // A Secret with a wildcard certificate for *.<YUNBANG_APPS_DOMAIN>: every default domain uses it.
  YUNBANG_APPS_TLS_SECRET: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Secret name').optional(),
  // The ports end users reach the gateway on, for app URLs (omitted from a URL when standard).
  YUNBANG_APPS_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(80),
  YUNBANG_APPS_HTTPS_PORT: z.coerce.number().int().min(1).max(65535).default(443),
  // Yunbang's own namespace and service accounts: the worker binds them to the tenant roles in each team namespace.
  YUNBANG_SYSTEM_NAMESPACE: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name').default('yunbang-system'),
  YUNBANG_WORKER_SERVICE_ACCOUNT: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a ServiceAccount name').default('yunbang-worker'),
  YUNBANG_API_SERVICE_ACCOUNT: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a ServiceAccount name').default('yunbang-api'),
  // The API's own identity for reading pod logs; absent: KUBECONFIG (or, in a cluster, the pod's service account).
  YUNBANG_API_KUBECONFIG: z.string().min(1).optional(),
  // Which pods are Yunbang's gateway: app network policies admit them (beside the ingress controller).
  YUNBANG_GATEWAY_NAMESPACE_SELECTOR: keyValues('kubernetes.io/metadata.name=yunbang-system'),
  YUNBANG_GATEWAY_POD_SELECTOR: keyValues('app.kubernetes.io/name=yunbang,app.kubernetes.io/component=gateway'),
  // The cluster KUBECONFIG (or the pod's service account) names, as the clusters list shows it.
  YUNBANG_CLUSTER_NAME: z.string().regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, 'must be a lower-case DNS label of at most 40 characters').default('local'),
  // The clusters this worker serves (their job queues, watches and probes); empty: all of them.
  YUNBANG_WORKER_CLUSTERS: z.string().default('').transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  // How often the worker probes each cluster, and how long any call to a cluster may take before it counts as unreachable.
  YUNBANG_CLUSTER_PROBE_SECONDS: z.coerce.number().min(0.2).max(3600).default(10),
  YUNBANG_CLUSTER_TIMEOUT_SECONDS: z.coerce.number().min(0.2).max(120).default(5),
  // How long a moved app may take to become Ready in its new cluster before the move is given up.
  YUNBANG_MOVE_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(86400).default(300),
  // The Prometheus that scrapes the gateways, the kubelets and Yunbang (apps' metrics are read from it), and how often it scrapes.
  YUNBANG_PROMETHEUS_URL: url(['http:', 'https:']).optional(),
  // Keep every line apps print after their pods are gone (the worker follows their logs into PostgreSQL),
  // for as long as a team's plan says, or these defaults.
  YUNBANG_LOG_COLLECTION: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true').transform((v) => v === 'true'),
  // Log drain and notification webhook hosts on internal networks (names, addresses, CIDRs); every other must resolve to public addresses.
  YUNBANG_OUTBOUND_ALLOWED_HOSTS: z.string().default('').transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .superRefine((list, ctx) => { try { parseAllowList(list); } catch { ctx.addIssue({ code: 'custom', message: 'must be host names, addresses or CIDRs, separated by commas' }); } }),
  YUNBANG_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(30).default(7),
  YUNBANG_LOG_RETENTION_MB: z.coerce.number().int().min(1).max(102400).default(1024),
  // The bearer token the installation's Alertmanager and Prometheus present to the API (src/http/monitoring.ts); unset: neither endpoint.
  YUNBANG_MONITORING_TOKEN: z.string().min(16, 'must be at least 16 characters').refine(notPlaceholder, PLACEHOLDER).optional(),
  // Where a worker that serves no API answers Prometheus' scrapes (/metrics; 0: any free port); the API serves its own on PORT.
  YUNBANG_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  YUNBANG_PROMETHEUS_SCRAPE_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
  // How long an app's pod keeps serving once told to stop (a preStop sleep), so gateways stop sending it requests first; 0: no hook.
  YUNBANG_POD_DRAIN_SECONDS: z.coerce.number().int().min(0).max(120).default(5),
  // Where the API serves external.metrics.k8s.io (apps' request rate and p95) to the cluster's HPA controller, over TLS, e.g. 0.0.0.0:6443; unset: not served. Needs YUNBANG_PROMETHEUS_URL.
  YUNBANG_EXTERNAL_METRICS_LISTEN: listenAddress.transform((v) => ({ host: v.slice(0, v.lastIndexOf(':')).replace(/^\[|\]$/g, ''), port: Number(v.slice(v.lastIndexOf(':') + 1)) })).optional(),
  // How long an autoscaled app's load must stay low before its HPA takes replicas away (Kubernetes' default: 300).
  YUNBANG_AUTOSCALE_DOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
  YUNBANG_BOSS_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier').default('pgboss'),
});

export type Config = Omit<z.infer<typeof schema>, 'YUNBANG_PUBLIC_URL'> & { YUNBANG_PUBLIC_URL: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * What a process in a cluster (KUBERNETES_SERVICE_HOST set) must be told, where the defaults only
 * suit one machine: without them webhook URLs would say localhost, builds would push to a
 * registry that does not exist, and default domains would be the example's.
 */
export function inClusterProblems(env: NodeJS.ProcessEnv): string[] {
  if (!env.KUBERNETES_SERVICE_HOST) return [];
  // The install's example values (RFC 2606 names) and one machine's defaults.
  const placeholder = (host: string) => host === 'localhost' || /(^|\.)example\.(com|org|net)$/.test(host.toLowerCase());
  const required: { name: string; what: string; host: (v: string) => string }[] = [
    { name: 'YUNBANG_PUBLIC_URL', what: 'the URL users and git hosts reach the API at, e.g. https://yunbang.corp.example', host: (v) => (URL.canParse(v) ? new URL(v).hostname : '') },
    { name: 'YUNBANG_REGISTRY', what: 'the registry build pods push to and nodes pull from, e.g. registry.corp.example/yunbang', host: (v) => v.split('/')[0]!.split(':')[0]! },
    { name: 'YUNBANG_APPS_DOMAIN', what: 'the domain under which apps get default names, with a wildcard DNS record at the gateway', host: (v) => v },
  ];
  return required.flatMap(({ name, what, host }) => {
    const v = env[name];
    if (!v) return [`${name}: required in a cluster (KUBERNETES_SERVICE_HOST is set): ${what}`];
    return placeholder(host(v)) ? [`${name}: "${v}" is an example or local value: set ${what.replace(/, e\.g\..*$/, '')}`] : [];
  });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => {
    const name = String(i.path[0] ?? '?');
    const message = env[name] === undefined ? 'required but not set' : i.message;
    return `${name}: ${message}`;
  });
  // One line a variable: a value the schema refused already says so.
  const named = new Set(problems.map((p) => p.split(':')[0]));
  problems.push(...inClusterProblems(env).filter((p) => !named.has(p.split(':')[0])));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const c = parsed.data;
  return { ...c, YUNBANG_PUBLIC_URL: c.YUNBANG_PUBLIC_URL ?? `http://localhost:${c.PORT}` };
}
