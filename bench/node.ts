import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import type { ExtraCluster } from '../scripts/local/stack.js';
import { percentile, startBenchPlatform, until, type BenchStack } from './stack.js';

/**
 * `npm run bench -- node`: the real node (containerd, runc, the kubelet) beside the simulated one,
 * in the same run, and beside Kubernetes alone on the same real node.
 *  - createApp(image: nginx:1.27) → the app's status Ready (1 of 1 replicas), through the API and
 *    the worker, on the real node and on the simulated node; the goal is p50 ≤ 2 s on the real one.
 *  - The baseline: the same pod template (Yunbang's, rendered for that app) applied as a bare
 *    Deployment with client-node → its readyReplicas = 1, on the same real node: the container's
 *    own start (pull, sandbox, probe), which Yunbang cannot avoid.
 *  - The stack's resident memory at idle: every process it started (servers, the node's daemons
 *    and shims, the containers), read from /proc.
 */
const APPS = Number(process.env.BENCH_NODE_APPS ?? 10);
const out = (s: string) => process.stdout.write(`${s}\n`);
const ms = (v: number) => `${v.toFixed(0)} ms`;


/** createApp → Ready for APPS apps, one after another, on the cluster the platform runs on. */
async function createToReady(stack: BenchStack, cluster: { WORKER_KUBECONFIG: string; API_KUBECONFIG: string }): Promise<{ times: number[]; namespace: string }> {
  const { running, api } = await startBenchPlatform(stack, { KUBECONFIG: cluster.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: cluster.API_KUBECONFIG });
  try {
    const team = `bench-${randomBytes(3).toString('hex')}`;
    await api('POST', '/teams', { name: team });
    const times: number[] = [];
    for (let i = 0; i < APPS; i++) {
      const started = performance.now();
      await api('POST', `/teams/${team}/apps`, { name: `web-${i}`, image: 'nginx:1.27', port: 80 });
      await until(async () => {
        const a = await api('GET', `/teams/${team}/apps/web-${i}`);
        return a.status?.health === 'Ready' && a.status.readyReplicas === 1 && a.status.observedGeneration === a.generation;
      }, 90_000, 20);
      times.push(performance.now() - started);
    }
    return { times, namespace: `yb-${team}` };
  } finally {
    await running.stop();
  }
}

/** The baseline: a bare Deployment of the same pod template → ready, on the real node. */
async function bareDeployments(real: ExtraCluster, template: k8s.V1PodTemplateSpec, namespace: string): Promise<number[]> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(real.KUBECONFIG);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const labels = { bench: 'bare' };
  const times: number[] = [];
  for (let i = 0; i < APPS; i++) {
    const name = `bare-${i}`;
    const started = performance.now();
    await apps.createNamespacedDeployment({ namespace, body: {
      metadata: { name }, spec: { replicas: 1, selector: { matchLabels: { ...labels, i: String(i) } },
        template: { ...template, metadata: { labels: { ...labels, i: String(i) } } } },
    } });
    await until(async () => ((await apps.readNamespacedDeployment({ name, namespace })).status?.readyReplicas ?? 0) === 1, 90_000, 20);
    times.push(performance.now() - started);
  }
  return times;
}

/**
 * Resident memory (MiB) of what the stack runs: this process and its descendants (PostgreSQL, the
 * etcds, the control planes, the daemons), and every process in the real node's network namespace
 * or its pods' cgroups (containerd's shims and the containers, which are not our descendants).
 */
function stackRss(netns: string): number {
  const nodeNet = `net:[${statSync(netns).ino}]`;
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  const mine = new Set<number>([process.pid]);
  for (const d of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    const pid = Number(d);
    try {
      parent.set(pid, Number(readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]));
      rss.set(pid, Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1] ?? 0));
      if (readlinkSync(`/proc/${d}/ns/net`) === nodeNet || readFileSync(`/proc/${d}/cgroup`, 'utf8').includes('/yunbang/')) mine.add(pid);
    } catch { /* gone meanwhile */ }
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const [c, p] of parent) if (mine.has(p) && !mine.has(c)) { mine.add(c); grew = true; }
  }
  let kib = 0;
  for (const p of mine) kib += rss.get(p) ?? 0;
  return kib / 1024;
}

export async function benchNode(stack: BenchStack): Promise<void> {
  const real = stack.extraClusters.find((c) => c.node === 'real');
  if (!real?.realNode) throw new Error('the node benchmark needs a cluster with a real node');
  await new Promise((r) => setTimeout(r, 5000)); // the stack settles
  out(`stack RSS at idle (servers, the real node's daemons; no app): ${stackRss(real.realNode.netns).toFixed(0)} MiB`);

  const onReal = await createToReady(stack, real);
  // The same pod template Yunbang rendered for the first app, as a bare Deployment.
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(real.KUBECONFIG);
  const rendered = await kc.makeApiClient(k8s.AppsV1Api).readNamespacedDeployment({ name: 'web-0', namespace: onReal.namespace });
  const template = rendered.spec!.template;
  const bare = await bareDeployments(real, { ...template, metadata: {} }, onReal.namespace);
  const onSim = await createToReady(stack, { WORKER_KUBECONFIG: stack.WORKER_KUBECONFIG, API_KUBECONFIG: stack.API_KUBECONFIG });
  const p = (xs: number[], q: number) => percentile(xs, q);
  out(`createApp(nginx:1.27) → Ready, ${APPS} apps one after another (p50 / p90):`);
  out(`  real node (containerd, runc, kubelet):          ${ms(p(onReal.times, 50))} / ${ms(p(onReal.times, 90))}   goal: p50 ≤ 2000 ms`);
  out(`  baseline: bare Deployment, same template, same node: ${ms(p(bare, 50))} / ${ms(p(bare, 90))}   Yunbang/bare p50: ${(p(onReal.times, 50) / p(bare, 50)).toFixed(2)}×`);
  out(`  simulated node (stand-in servers):              ${ms(p(onSim.times, 50))} / ${ms(p(onSim.times, 90))}   real/simulated p50: ${(p(onReal.times, 50) / p(onSim.times, 50)).toFixed(2)}×`);
  out(`stack RSS with ${APPS} nginx apps and ${APPS} bare Deployments running on the real node: ${stackRss(real.realNode.netns).toFixed(0)} MiB`);
}
