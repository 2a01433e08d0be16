import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import * as k8s from '@kubernetes/client-node';
import type { Queryable } from '../db/pool.js';
import { selfSignedServing } from '../crypto/self-signed.js';
import { appOfSelector, externalQuery, externalValueList, parseExternalPath, statusOf, EXTERNAL_RESOURCE_LIST } from '../observe/external-metrics.js';
import type { PrometheusClient } from '../observe/prometheus.js';

/**
 * Yunbang's external metrics API server: the HPA controller reads an app's request rate and p95
 * latency through the cluster's API server, which forwards the request here (an APIService, as
 * KEDA's and prometheus-adapter's are registered) after authenticating and authorizing the
 * caller. So this server answers only the API server's front proxy: a client certificate signed
 * by the CA the cluster publishes for it (kube-system/extension-apiserver-authentication, the
 * ConfigMap every aggregated API server reads; k8s/install grants reading it), and among the names
 * allowed there. It serves TLS with a self-signed certificate of its own (the APIService skips
 * verification as metrics-server's does, or carries it as its caBundle: `certPem`).
 */
export interface ExternalMetricsServer { port: number; certPem: string; stop(): Promise<void> }

export interface ExternalMetricsOptions {
  host: string;
  port: number;
  /** The cluster whose front proxy calls (its API server's authentication ConfigMap is read once, at start). */
  kube: k8s.KubeConfig;
  db: Queryable;
  prometheus: PrometheusClient;
  /** How far back rate() looks: at least four scrapes. */
  rateSeconds: number;
  /** Names the certificate carries, besides 127.0.0.1: the Service the APIService names. */
  dnsNames?: string[];
  onError?: (err: Error) => void;
}

/** The front proxy's CA and allowed names, as the cluster publishes them. */
async function frontProxyTrust(kube: k8s.KubeConfig): Promise<{ ca: string; allowedNames: string[] }> {
  const cm = await kube.makeApiClient(k8s.CoreV1Api).readNamespacedConfigMap({ namespace: 'kube-system', name: 'extension-apiserver-authentication' });
  const ca = cm.data?.['requestheader-client-ca-file'];
  if (!ca) throw new Error('the cluster publishes no front-proxy CA (kube-apiserver runs without --requestheader-client-ca-file), so no aggregated API can tell its calls apart');
  const names = JSON.parse(cm.data?.['requestheader-allowed-names'] ?? '[]') as string[];
  return { ca, allowedNames: names };
}

export async function startExternalMetrics(o: ExternalMetricsOptions): Promise<ExternalMetricsServer> {
  const trust = await frontProxyTrust(o.kube);
  const serving = await selfSignedServing({ commonName: 'yunbang-external-metrics', dnsNames: o.dnsNames ?? [], ips: ['127.0.0.1'] });

  const answer = async (path: string, selector: string | null): Promise<[number, unknown]> => {
    const asked = parseExternalPath(path);
    if (asked.kind === 'discovery') return [200, EXTERNAL_RESOURCE_LIST];
    if (asked.kind === 'unknown') return [404, statusOf(404, 'NotFound', `${path} is not a metric Yunbang serves`)];
    const app = appOfSelector(selector);
    if (!app) return [400, statusOf(400, 'BadRequest', 'select one app: labelSelector=app=<name>')];
    const team = (await o.db.query<{ name: string }>('SELECT name FROM teams WHERE namespace = $1 AND deleted_at IS NULL', [asked.namespace])).rows[0]?.name;
    if (!team) return [404, statusOf(404, 'NotFound', `namespace ${asked.namespace} is no Yunbang team's`)];
    const values = await o.prometheus.instant(externalQuery(asked.metric, { team, namespace: asked.namespace, app }, o.rateSeconds), 'app');
    const value = [...values.values()][0] ?? 0;
    return [200, externalValueList(asked.metric, app, value, new Date())];
  };

  const server: Server = createServer({ cert: serving.certPem, key: serving.keyPem, ca: trust.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
    if (trust.allowedNames.length > 0 && !trust.allowedNames.includes(String(cn))) {
      res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify(statusOf(403, 'Forbidden', 'only the API server\'s front proxy may call')));
      return;
    }
    const url = new URL(req.url ?? '/', 'https://localhost');
    answer(url.pathname, url.searchParams.get('labelSelector')).then(([status, body]) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }, (err: Error) => {
      o.onError?.(err);
      // Prometheus down or slow: the HPA keeps the replicas it has and says it cannot read the metric.
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify(statusOf(503, 'ServiceUnavailable', err.message)));
    });
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(o.port, o.host, () => resolve()); });
  return {
    port: (server.address() as { port: number }).port,
    certPem: serving.certPem,
    stop: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
