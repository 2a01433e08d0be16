import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { loadGatewayConfig } from '../gateway/config.js';
import { startGateway } from '../gateway/gateway.js';
import { freePort } from '../scripts/local/proc.js';
import { forwardIntoNode } from '../scripts/local/node/forward.js';
import { startPortal } from '../scripts/local/node/portal.js';
import { statusOf } from './load.js';
import { percentile, startBenchPlatform, until, type BenchStack } from './stack.js';

/**
 * `npm run bench -- autoscale` (the real node): a load step to 5× an app's CPU target, and how
 * long the replicas take to reach the count it needs, then to come back once it stops.
 *  - Yunbang: the stand-in app (each `/burn/25` keeps a CPU busy 25 ms) with the rule
 *    {min 1, max 5, cpuPercent 50}; its pods request 50m, so 5 requests a second (125m) are 5× the
 *    25m one replica should use, and need 5 replicas. The load goes through Yunbang's gateway
 *    (nginx in the node's namespace). The HPA's scale-down window is shortened to 15 s
 *    (YUNBANG_AUTOSCALE_DOWN_SECONDS; Kubernetes' default is 300 s), so each trial comes down too.
 *  - The baseline: Kubernetes alone, the same work without Yunbang: the pod template Yunbang
 *    rendered, as a bare Deployment, a Service and the same HPA (applied with client-node), the
 *    load sent through a portal into the node to the Service's ClusterIP (kube-proxy).
 * Both read the same resource metrics (the local metrics.k8s.io from the kubelet, every 10 s)
 * and the same HPA controller (every 15 s; each trial starts at a random moment of that cycle):
 * the figures are mostly theirs, and the ratio says what Yunbang adds. Every request is counted; a failed one is reported (the goal: none).
 */
const TRIALS = Number(process.env.BENCH_AUTOSCALE_TRIALS ?? 4);
const RATE = 5; // requests a second
const BURN = '/burn/25';
const MAX = 5;
const out = (s: string) => process.stdout.write(`${s}\n`);
const s = (v: number) => `${(v / 1000).toFixed(1)} s`;


/** A fixed rate of requests, each on a connection of its own, until stopped; counts what failed. */
function load(port: number, host: string) {
  let sent = 0;
  const failed: number[] = [];
  const inflight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    sent++;
    const p = statusOf(port, host, BURN).then((st) => { if (st !== 200) failed.push(st); }).finally(() => inflight.delete(p));
    inflight.add(p);
  }, 1000 / RATE);
  return { stop: async () => { clearInterval(timer); await Promise.all([...inflight]); return { sent, failed }; } };
}

interface Trial { up: number; down: number; sent: number; failed: number[] }

/** One load step: from the start of the load until `replicas()` reaches MAX, then from its end until 1. */
async function trial(replicas: () => Promise<number>, port: number, host: string): Promise<Trial> {
  await until(async () => (await replicas()) === 1, 300_000, 1000);
  // The count reaches 1 at one of the HPA controller's syncs (every 15 s): a load step right after
  // would always meet the same phase of that cycle. A real step comes at any moment: wait a random
  // part of a cycle first.
  await new Promise((r) => setTimeout(r, Math.random() * 15_000));
  const started = performance.now();
  const l = load(port, host);
  // A trial that never gets there stops its load before it fails the run.
  const up = await until(async () => ((await replicas()) >= MAX ? performance.now() - started : undefined), 300_000, 250)
    .catch(async (err) => { await l.stop(); throw err; });
  const done = await l.stop();
  const stopped = performance.now();
  await until(async () => (await replicas()) === 1, 300_000, 250);
  return { up, down: performance.now() - stopped, ...done };
}

function report(name: string, t: Trial[], base?: Trial[]) {
  const p = (xs: number[], q: number) => percentile(xs, q);
  const up = t.map((x) => x.up);
  const down = t.map((x) => x.down);
  const failed = t.reduce((n, x) => n + x.failed.length, 0);
  const sent = t.reduce((n, x) => n + x.sent, 0);
  const ratio = base ? `   ratio to the baseline (p50 up): ${(p(up, 50) / p(base.map((x) => x.up), 50)).toFixed(2)}×` : '';
  out(`  ${name.padEnd(60)} up p50 ${s(p(up, 50))} p95 ${s(p(up, 95))}   down p50 ${s(p(down, 50))} p95 ${s(p(down, 95))}   ${failed} of ${sent} requests failed${ratio}`);
}

export async function benchAutoscale(stack: BenchStack): Promise<void> {
  const real = stack.extraClusters.find((c) => c.node === 'real');
  if (!real?.realNode) throw new Error('the autoscale benchmark needs a cluster with a real node');
  const node = real.realNode;
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(real.KUBECONFIG);
  const appsApi = kc.makeApiClient(k8s.AppsV1Api);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);

  const p = await startBenchPlatform(stack, {
    KUBECONFIG: real.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: real.API_KUBECONFIG, YUNBANG_REGISTRY: node.registryInNode, YUNBANG_REGISTRY_CIDRS: `${node.nodeIp}/32`,
    YUNBANG_AUTOSCALE_DOWN_SECONDS: '15',
  });
  const [httpPort] = [await freePort()];
  const ports = await forwardIntoNode(node.netns, [httpPort], join(mkdtempSync(join(tmpdir(), 'yunbang-bench-autoscale-')), 'ports.log'));
  const gateway = await startGateway(loadGatewayConfig({
    ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, YUNBANG_GATEWAY_DIR: mkdtempSync(join(tmpdir(), 'yunbang-bench-autoscale-gw-')),
    YUNBANG_GATEWAY_HTTP_LISTEN: `127.0.0.1:${httpPort}`, YUNBANG_GATEWAY_HTTPS_LISTEN: 'off', YUNBANG_GATEWAY_STATUS_LISTEN: '127.0.0.1:0',
    YUNBANG_GATEWAY_NETNS: node.netns, YUNBANG_GATEWAY_UPSTREAM_CIDRS: node.podCidr, YUNBANG_GATEWAY_WORKERS: '1', LOG_LEVEL: 'silent',
  }));
  const portal = await startPortal(node.netns, { logFile: join(tmpdir(), `yunbang-bench-autoscale-portal-${randomBytes(3).toString('hex')}.log`) });
  const team = `scale-${randomBytes(3).toString('hex')}`;
  const namespace = `yb-${team}`;
  try {
    out(`\nAutoscale benchmark (real node, 2 cores): ${RATE} requests/s of ${BURN} (5× one replica's CPU target) until ${MAX} replicas, then none until 1; scale-down window 15 s (shortened for the bench; Kubernetes' default 300 s); ${TRIALS} trials each`);
    await p.api('POST', '/teams', { name: team });
    const app = await p.api('POST', `/teams/${team}/apps`, { name: 'busy', image: 'registry.example/stand-in:latest', port: 8080 });
    await until(async () => (await p.api('GET', `/teams/${team}/apps/busy`)).status?.health === 'Ready', 120_000, 500);
    await until(async () => (await statusOf(httpPort, app.defaultDomain, '/')) === 200, 30_000, 200);
    await p.api('PUT', `/teams/${team}/apps/busy/autoscaling`, { min: 1, max: MAX, cpuPercent: 50 });
    await until(async () => (await p.api('GET', `/teams/${team}/apps/busy`)).autoscaling?.status?.working === true, 120_000, 1000);
    const yunbang: Trial[] = [];
    const replicasOf = (name: string) => async () => (await appsApi.readNamespacedDeployment({ name, namespace })).spec?.replicas ?? 0;
    for (let i = 0; i < TRIALS; i++) yunbang.push(await trial(replicasOf('busy'), httpPort, app.defaultDomain));

    // The baseline: the same pod template, a Service and the same HPA, without Yunbang.
    const rendered = await appsApi.readNamespacedDeployment({ name: 'busy', namespace });
    const hpa = await objects.read({ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'busy', namespace } }) as k8s.KubernetesObject & { spec: Record<string, unknown> };
    const labels = { bench: 'bare-autoscale' };
    const template = { ...rendered.spec!.template, metadata: { labels } };
    await appsApi.createNamespacedDeployment({ namespace, body: { metadata: { name: 'bare' }, spec: { replicas: 1, selector: { matchLabels: labels }, template } } });
    const svc = await kc.makeApiClient(k8s.CoreV1Api).createNamespacedService({ namespace, body: { metadata: { name: 'bare' }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 as never }] } } });
    await objects.create({ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'bare', namespace }, spec: { ...hpa.spec, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'bare' } } } as k8s.KubernetesObject);
    // Yunbang's default-deny policy admits only its gateway: the baseline's Service is reached from the node, as kube-proxy reaches it.
    await kc.makeApiClient(k8s.NetworkingV1Api).createNamespacedNetworkPolicy({ namespace, body: { metadata: { name: 'bare-open' }, spec: { podSelector: { matchLabels: labels }, ingress: [{}], policyTypes: ['Ingress'] } } });
    const portalPort = await portal.inward(0, { host: svc.spec!.clusterIP!, port: 80 });
    await until(async () => (await statusOf(portalPort, 'bare', '/')) === 200, 60_000, 200);
    const bare: Trial[] = [];
    for (let i = 0; i < TRIALS; i++) bare.push(await trial(replicasOf('bare'), portalPort, 'bare'));

    out(`from the start of the load to ${MAX} replicas (up), and from its end to 1 (down):`);
    report('baseline: bare Deployment + Service + the same HPA, via ClusterIP', bare);
    report('Yunbang: the app\'s rule, through its gateway', yunbang, bare);
  } finally {
    await p.api('DELETE', `/teams/${team}/apps/busy`).catch(() => {});
    await kc.makeApiClient(k8s.CoreV1Api).deleteNamespace({ name: namespace }).catch(() => {});
    await portal.stop();
    await gateway.stop();
    await ports.stop();
    await p.running.stop();
  }
}
