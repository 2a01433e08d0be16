import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { loadGatewayConfig } from '../gateway/config.js';
import { startGateway } from '../gateway/gateway.js';
import { sleepIdleApps } from '../jobs/sleep.js';
import { freePort } from '../scripts/local/proc.js';
import { forwardIntoNode } from '../scripts/local/node/forward.js';
import { startPortal } from '../scripts/local/node/portal.js';
import { statusOf } from './load.js';
import { percentile, startBenchPlatform, until, type BenchStack } from './stack.js';

/**
 * `npm run bench -- wake` (the real node): scale to zero's first request. Each line is timed from
 * one GET sent until its 200 arrives.
 *  - Yunbang from zero: the stand-in app asleep (put to sleep by the idle check with the clock
 *    ahead, its pod gone, its route held by the gateway); the GET goes through the gateway, which
 *    holds it, has the app woken (etcd → the worker → the Deployment to 1) and sends it on once
 *    the pod is ready.
 *  - Baseline, the same wake without Yunbang: a bare Deployment of the same pod template at 0,
 *    scaled to 1 by a PATCH of its scale, then the same GET retried every 50 ms through the
 *    Service's ClusterIP (kube-proxy) until it answers 200 (no holding: a client polling).
 *  - For reference (the yardstick): the same GET to the app already Ready, through the gateway.
 */
const TRIALS = Number(process.env.BENCH_WAKE_TRIALS ?? 6);
const out = (s: string) => process.stdout.write(`${s}\n`);
const sec = (v: number) => `${(v / 1000).toFixed(2)} s`;

function line(name: string, xs: number[], base?: number[]) {
  const ratio = base ? `   ratio to the baseline (p50): ${(percentile(xs, 50) / percentile(base, 50)).toFixed(2)}×` : '';
  out(`  ${name.padEnd(72)} p50 ${sec(percentile(xs, 50))}  p95 ${sec(percentile(xs, 95))}  (${xs.length})${ratio}`);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export async function benchWake(stack: BenchStack): Promise<void> {
  const real = stack.extraClusters.find((c) => c.node === 'real');
  if (!real?.realNode) throw new Error('the wake benchmark needs a cluster with a real node');
  const node = real.realNode;
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(real.KUBECONFIG);
  const appsApi = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const p = await startBenchPlatform(stack, {
    KUBECONFIG: real.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: real.API_KUBECONFIG, YUNBANG_REGISTRY: node.registryInNode, YUNBANG_REGISTRY_CIDRS: `${node.nodeIp}/32`,
  });
  const [httpPort] = [await freePort()];
  const ports = await forwardIntoNode(node.netns, [httpPort], join(mkdtempSync(join(tmpdir(), 'yunbang-bench-wake-')), 'ports.log'));
  const gateway = await startGateway(loadGatewayConfig({
    ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, YUNBANG_GATEWAY_DIR: mkdtempSync(join(tmpdir(), 'yunbang-bench-wake-gw-')),
    YUNBANG_GATEWAY_HTTP_LISTEN: `127.0.0.1:${httpPort}`, YUNBANG_GATEWAY_HTTPS_LISTEN: 'off', YUNBANG_GATEWAY_STATUS_LISTEN: '127.0.0.1:0',
    YUNBANG_GATEWAY_NETNS: node.netns, YUNBANG_GATEWAY_UPSTREAM_CIDRS: node.podCidr, YUNBANG_GATEWAY_WORKERS: '1', LOG_LEVEL: 'silent',
  }));
  const portal = await startPortal(node.netns, { logFile: join(tmpdir(), `yunbang-bench-wake-portal-${randomBytes(3).toString('hex')}.log`) });
  const team = `wake-${randomBytes(3).toString('hex')}`;
  const namespace = `yb-${team}`;
  const podsOf = async (selector: string) => (await core.listNamespacedPod({ namespace, labelSelector: selector })).items.length;
  const { db, boss, etcd } = p.running.platform;
  try {
    out(`\nWake benchmark (real node, 2 cores): one GET to an app at zero replicas until its 200; ${TRIALS} trials each`);
    await p.api('POST', '/teams', { name: team });
    const app = await p.api('POST', `/teams/${team}/apps`, { name: 'nap', image: 'registry.example/stand-in:latest', port: 8080 });
    const host = app.defaultDomain as string;
    await until(async () => (await p.api('GET', `/teams/${team}/apps/nap`)).status?.health === 'Ready', 120_000, 500);
    await until(async () => (await statusOf(httpPort, host, '/')) === 200, 30_000, 200);
    await p.api('PUT', `/teams/${team}/apps/nap/autoscaling`, { min: 1, max: 1, cpuPercent: 80, scaleToZeroAfterMinutes: 1 });

    const ready: number[] = [];
    for (let i = 0; i < TRIALS * 3; i++) ready.push(await timed(() => statusOf(httpPort, host, '/')));
    const yunbang: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      await sleepIdleApps({ db, boss, etcd }, Date.now() + 10 * 60_000);
      await until(async () => (await p.api('GET', `/teams/${team}/apps/nap`)).status?.reason === 'Sleeping', 120_000, 250);
      await until(async () => (await podsOf('yunbang.dev/app=nap')) === 0, 120_000, 250);
      await new Promise((r) => setTimeout(r, 1000)); // the gateway has the sleeping route (it follows etcd within ms)
      await gateway.settled();
      yunbang.push(await timed(async () => { const st = await statusOf(httpPort, host, '/'); if (st !== 200) throw new Error(`the first request to the woken app answered ${st}`); }));
    }

    // The baseline: the same pod template as a bare Deployment at 0, a Service, woken by a PATCH.
    const rendered = await appsApi.readNamespacedDeployment({ name: 'nap', namespace });
    const labels = { bench: 'bare-wake' };
    await appsApi.createNamespacedDeployment({ namespace, body: { metadata: { name: 'bare' }, spec: { replicas: 0, selector: { matchLabels: labels }, template: { ...rendered.spec!.template, metadata: { labels } } } } });
    const svc = await core.createNamespacedService({ namespace, body: { metadata: { name: 'bare' }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 as never }] } } });
    await kc.makeApiClient(k8s.NetworkingV1Api).createNamespacedNetworkPolicy({ namespace, body: { metadata: { name: 'bare-open' }, spec: { podSelector: { matchLabels: labels }, ingress: [{}], policyTypes: ['Ingress'] } } });
    const portalPort = await portal.inward(0, { host: svc.spec!.clusterIP!, port: 80 });
    const scaleTo = (n: number) => appsApi.patchNamespacedDeploymentScale({ name: 'bare', namespace, body: { spec: { replicas: n } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    const bare: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      await scaleTo(0);
      await until(async () => (await podsOf('bench=bare-wake')) === 0, 120_000, 250);
      bare.push(await timed(async () => {
        await scaleTo(1);
        await until(async () => ((await statusOf(portalPort, 'bare', '/').catch(() => 0)) === 200 ? true : undefined), 120_000, 50);
      }));
    }

    out('from the GET sent until its 200:');
    line('reference: the app already Ready, through the gateway', ready);
    line('baseline: bare Deployment 0 → 1 by PATCH, GET polled via ClusterIP', bare);
    line('Yunbang: the sleeping app, held and woken by its gateway', yunbang, bare);
  } finally {
    await p.api('DELETE', `/teams/${team}/apps/nap`).catch(() => {});
    await core.deleteNamespace({ name: namespace }).catch(() => {});
    await portal.stop();
    await gateway.stop();
    await ports.stop();
    await p.running.stop();
  }
}
