import { existsSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import * as k8s from '@kubernetes/client-node';
import { FRONT_PROXY_CLIENT, issueCertificate } from '../control-plane.js';
import { registerLocalApiService } from './api-service.js';
import { GROUP_VERSION, RESOURCE_LIST, nodeMetrics, parseKubeletResource, podMetrics, usageBetween, type KubeletReading, type Usage } from './resource-metrics.js';

/**
 * The resource metrics API (`metrics.k8s.io/v1beta1`) of the real node's cluster, which the HPA
 * controller reads CPU and memory utilization from. Debian has no metrics-server, so this stands
 * in for it, from the kubelet's real figures (its `/metrics/resource`, read every `intervalSeconds`
 * with a client certificate, as metrics-server reads it), registered as metrics-server is: an
 * APIService whose requests the API server forwards, having authenticated and authorized them,
 * with the front proxy's client certificate, which this server requires. Its Service is an
 * ExternalName one naming 127.0.0.1, as the API server runs on this machine's loopback.
 */
export const METRICS_SERVICE = { namespace: 'kube-system', name: 'yunbang-local-metrics' };

export interface MetricsApi { port: number; stop(): Promise<void> }

/** The kubelet's HTTPS endpoint and the client certificate it is read with (real-node.ts's KubeletScrape). */
interface Kubelet { address: string; caFile: string; certFile: string; keyFile: string; node: string }

function readKubelet(k: Kubelet): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`https://${k.address}/metrics/resource`, { ca: readFileSync(k.caFile), cert: readFileSync(k.certFile), key: readFileSync(k.keyFile), timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => { body += c; }).on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`kubelet answered ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('kubelet timed out'))).on('error', reject).end();
  });
}

export async function startMetricsApi(o: { admin: k8s.KubeConfig; pki: string; kubelet: Kubelet; intervalSeconds?: number; onError?: (e: Error) => void }): Promise<MetricsApi> {
  const serviceName = `${METRICS_SERVICE.name}.${METRICS_SERVICE.namespace}.svc`;
  if (!existsSync(`${o.pki}/metrics-api.crt`)) issueCertificate(o.pki, 'metrics-api', serviceName, { san: `DNS:${serviceName},IP:127.0.0.1` });
  const core = o.admin.makeApiClient(k8s.CoreV1Api);

  // The two newest readings: CPU is the rate between them.
  let before: KubeletReading | undefined;
  let containers = new Map<string, Usage>();
  let node: Usage | undefined;
  const scrape = async () => {
    try {
      const now = parseKubeletResource(await readKubelet(o.kubelet), Date.now());
      const next = new Map<string, Usage>();
      for (const [key, c] of now.containers) {
        const u = usageBetween(before?.containers.get(key), c);
        if (u) next.set(key, u);
      }
      containers = next;
      node = now.node ? usageBetween(before?.node, now.node) ?? node : node;
      before = now;
    } catch (err) {
      try { o.onError?.(err as Error); } catch { /* the log's folder is gone: the stack is stopping */ }
    }
  };
  await scrape();
  const timer = setInterval(() => void scrape(), (o.intervalSeconds ?? 10) * 1000).unref();

  const list = (kind: string, items: unknown[]) => ({ kind, apiVersion: GROUP_VERSION, metadata: {}, items });
  const pods = async (namespace: string | undefined, labelSelector: string | undefined) => {
    const found = namespace ? await core.listNamespacedPod({ namespace, labelSelector }) : await core.listPodForAllNamespaces({ labelSelector });
    return found.items.map((p) => podMetrics({ namespace: p.metadata!.namespace!, name: p.metadata!.name!, labels: p.metadata?.labels }, containers)).filter(Boolean);
  };
  const answer = async (path: string, query: URLSearchParams): Promise<[number, unknown]> => {
    const base = `/apis/${GROUP_VERSION}`;
    if (path === base) return [200, RESOURCE_LIST];
    if (path === `${base}/nodes`) return [200, list('NodeMetricsList', node ? [nodeMetrics(o.kubelet.node, node)] : [])];
    if (path === `${base}/nodes/${o.kubelet.node}` && node) return [200, { kind: 'NodeMetrics', apiVersion: GROUP_VERSION, ...nodeMetrics(o.kubelet.node, node) }];
    if (path === `${base}/pods`) return [200, list('PodMetricsList', await pods(undefined, query.get('labelSelector') ?? undefined))];
    const m = /^\/apis\/metrics\.k8s\.io\/v1beta1\/namespaces\/([a-z0-9-]+)\/pods(?:\/([a-z0-9.-]+))?$/.exec(path);
    if (m && !m[2]) return [200, list('PodMetricsList', await pods(m[1], query.get('labelSelector') ?? undefined))];
    if (m) {
      const one = podMetrics({ namespace: m[1]!, name: m[2]! }, containers);
      if (one) return [200, { kind: 'PodMetrics', apiVersion: GROUP_VERSION, ...one }];
    }
    return [404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${path} not found` }];
  };

  const server: Server = createServer({
    cert: readFileSync(`${o.pki}/metrics-api.crt`), key: readFileSync(`${o.pki}/metrics-api.key`),
    ca: readFileSync(`${o.pki}/front-proxy-ca.crt`), requestCert: true, rejectUnauthorized: true,
  }, (req, res) => {
    // Only the API server's front proxy: it has already authenticated and authorized the caller.
    if ((req.socket as TLSSocket).getPeerCertificate().subject?.CN !== FRONT_PROXY_CLIENT) { res.writeHead(403).end(); return; }
    const url = new URL(req.url ?? '/', 'https://localhost');
    answer(url.pathname, url.searchParams).then(([status, body]) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }, (err: Error) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 500, message: err.message })));
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', () => resolve()); });
  const port = (server.address() as { port: number }).port;

  const stop = async () => { clearInterval(timer); await new Promise((r) => server.close(r)); };
  try {
    // Registered as metrics-server registers itself.
    await registerLocalApiService(o.admin, { service: METRICS_SERVICE, group: 'metrics.k8s.io', version: 'v1beta1', port, caBundle: readFileSync(`${o.pki}/ca.crt`, 'utf8') });
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, stop };
}
