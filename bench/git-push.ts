import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { loadGatewayConfig } from '../gateway/config.js';
import { startGateway } from '../gateway/gateway.js';
import { freePort } from '../scripts/local/proc.js';
import { forwardIntoNode } from '../scripts/local/node/forward.js';
import type { ExtraCluster } from '../scripts/local/stack.js';
import { startGitServer } from '../test/helpers/git-server.js';
import { githubPush } from '../test/helpers/hooks.js';
import { percentile, startBenchPlatform, until, type BenchStack } from './stack.js';

/**
 * `npm run bench -- node` (with the node benchmark): a git push of a Node app without a Dockerfile
 * → its own code answering through the gateway, on the real node, PUSHES times in a row (each a
 * new commit whose token the app answers with). Each run is split into stages from the build
 * pods' container times (the kubelet's, to the second) and the executor's own "pushing" line:
 *   clone   the clone init containers of the detect and build pods
 *   detect  Yunbang's detector container
 *   build   the Kaniko stand-in from its start to its push
 *   push    the push of the image to the node's registry
 *   rollout from the push's end to the new token answering through the gateway (the kubelet's
 *           own times are to the second; the push's, from the executor's log, to the millisecond)
 *   other   the rest: the webhook, the queue, pods' scheduling and sandboxes, job handoffs.
 * There is no baseline of the same work here (no other builder runs on this node); the stages say
 * where the time goes.
 */
const PUSHES = Number(process.env.BENCH_PUSHES ?? 3);
const out = (s: string) => process.stdout.write(`${s}\n`);
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

type Stage = 'clone' | 'detect' | 'build' | 'push' | 'rollout' | 'other';
const at = (t: Date | string | undefined) => (t ? new Date(t).getTime() : NaN);

/** Keeps the last status of every pod in the namespace, and the executor's "pushing" time. */
function watchBuildPods(kc: k8s.KubeConfig, namespace: string) {
  const pods = new Map<string, k8s.V1Pod>();
  const pushing = new Map<string, { start: number; end: number }>();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let stopped = false;
  let req: { abort(): void } | undefined;
  void new k8s.Watch(kc).watch(`/api/v1/namespaces/${namespace}/pods`, {}, (_type, pod: k8s.V1Pod) => { pods.set(pod.metadata!.name!, pod); }, () => {})
    .then((r) => { req = r; });
  // The executor's log, read while its pod lives (the platform deletes build pods when done).
  const poll = setInterval(() => {
    for (const [name, pod] of pods) {
      if (pod.metadata?.labels?.['yunbang.dev/role'] !== 'build' || pushing.has(name) || stopped) continue;
      void core.readNamespacedPodLog({ name, namespace, container: pod.spec!.containers[0]!.name, timestamps: true }).then((log) => {
        const lines = String(log).split('\n');
        const start = lines.find((l) => l.includes('kaniko (local stand-in): pushing '));
        const end = lines.find((l) => l.includes('kaniko (local stand-in): pushed '));
        if (start && end) pushing.set(name, { start: at(start.split(' ')[0]), end: at(end.split(' ')[0]) });
      }).catch(() => {});
    }
  }, 500);
  return { pods, pushing, stop: () => { stopped = true; clearInterval(poll); req?.abort(); } };
}

function stagesOf(record: { id: string }, w: ReturnType<typeof watchBuildPods>, t0: number, answered: number): Record<Stage, number> {
  const mine = [...w.pods.values()].filter((p) => p.metadata?.labels?.['yunbang.dev/build'] === record.id);
  const role = (r: string) => mine.find((p) => p.metadata?.labels?.['yunbang.dev/role'] === r);
  const span = (s?: k8s.V1ContainerStatus) => at(s?.state?.terminated?.finishedAt) - at(s?.state?.terminated?.startedAt);
  const detect = role('detect');
  const build = role('build');
  if (!detect || !build) throw new Error(`build ${build ? '' : 'pod'}${detect ? '' : ' detect pod'} not seen`);
  const kaniko = build.status?.containerStatuses?.[0]?.state?.terminated;
  // The executor's own lines time the push to the millisecond; the kubelet's times are to the second.
  const push = w.pushing.get(build.metadata!.name!) ?? { start: at(kaniko?.finishedAt), end: at(kaniko?.finishedAt) };
  const s = {
    clone: span(detect.status?.initContainerStatuses?.[0]) + span(build.status?.initContainerStatuses?.[0]),
    detect: span(detect.status?.containerStatuses?.[0]),
    build: push.start - at(kaniko?.startedAt),
    push: push.end - push.start,
    rollout: answered - push.end,
  };
  return { ...s, other: answered - t0 - Object.values(s).reduce((a, b) => a + b, 0) };
}

export async function benchGitPush(stack: BenchStack): Promise<void> {
  const real = stack.extraClusters.find((c) => c.node === 'real') as ExtraCluster & { realNode: NonNullable<ExtraCluster['realNode']> };
  const node = real.realNode;
  const git = await startGitServer({ realNode: node });
  const { running, api } = await startBenchPlatform(stack, {
    KUBECONFIG: real.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: real.API_KUBECONFIG, YUNBANG_GIT_ALLOWED_HOSTS: node.nodeIp,
    YUNBANG_REGISTRY: node.registryInNode, YUNBANG_REGISTRY_CIDRS: `${node.nodeIp}/32`,
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-push-gw-'));
  const gwPort = await freePort();
  const ports = await forwardIntoNode(node.netns, [gwPort], join(dir, 'ports.log'));
  const gateway = await startGateway(loadGatewayConfig({
    ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, YUNBANG_GATEWAY_DIR: dir, YUNBANG_GATEWAY_HTTP_LISTEN: `127.0.0.1:${gwPort}`, YUNBANG_GATEWAY_HTTPS_LISTEN: 'off',
    YUNBANG_GATEWAY_STATUS_LISTEN: '127.0.0.1:0', YUNBANG_GATEWAY_NETNS: node.netns, YUNBANG_GATEWAY_UPSTREAM_CIDRS: node.podCidr, YUNBANG_GATEWAY_WORKERS: '1', LOG_LEVEL: 'warn',
  }));
  const team = `push-${randomBytes(3).toString('hex')}`;
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(real.KUBECONFIG);
  let watch: ReturnType<typeof watchBuildPods> | undefined;
  try {
    await api('POST', '/teams', { name: team });
    watch = watchBuildPods(kc, `yb-${team}`);
    const repo = git.repo(`site-${team}`);
    const files = (token: string) => ({
      // One dependency from the npm registry: `npm install` is the step the layer cache keeps.
      'package.json': JSON.stringify({ name: 'site', version: '1.0.0', scripts: { start: 'node server.js' }, dependencies: { 'is-number': '7.0.0' } }),
      'server.js': `require('is-number');\nrequire('http').createServer((q, s) => s.end(${JSON.stringify(token)})).listen(process.env.PORT || 3000);\n`,
    });
    repo.write(files('first'));
    repo.commit('first');
    repo.push();
    const app = await api('POST', `/teams/${team}/apps`, { name: 'site', git: { url: git.url(`site-${team}`), branch: 'main' }, port: 3000 });
    const secret = (await api('POST', `/teams/${team}/apps/site/webhook-secret`)).secret as string;
    const host = app.defaultDomain as string;
    // node:http, since fetch does not let a request name its Host.
    const answers = (token: string) => new Promise<boolean>((resolve) => {
      const req = request({ host: '127.0.0.1', port: gwPort, path: '/', headers: { host }, timeout: 5000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve(res.statusCode === 200 && body === token));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
      req.end();
    });
    const created = Date.now();
    await until(() => answers('first'), 600_000, 250);
    const first = Date.now() - created;
    const runs: { total: number; stages: Record<Stage, number> }[] = [];
    for (let i = 0; i < PUSHES; i++) {
      const token = `token-${i}-${randomBytes(4).toString('hex')}`;
      const t0 = Date.now();
      repo.write(files(token));
      const commit = repo.commit(token);
      repo.push();
      // The git host's push delivery, as GitHub sends it.
      const hook = await githubPush(app.webhookUrl, secret, { commit, message: token });
      if (hook.status >= 300) throw new Error(`webhook: ${hook.status} ${JSON.stringify(hook.body)}`);
      await until(() => answers(token), 600_000, 100);
      const answered = Date.now();
      const [build] = await api('GET', `/teams/${team}/apps/site/builds`);
      runs.push({ total: answered - t0, stages: stagesOf(build, watch, t0, answered) });
    }
    const totals = runs.map((r) => r.total);
    out(`git push of a Node app without a Dockerfile → its new code answering through the gateway, ${PUSHES} pushes on the real node:`);
    out(`  p50 ${sec(percentile(totals, 50))}, max ${sec(Math.max(...totals))}; each takes \`npm install\`'s layer from the layer cache`);
    out(`  the app's first build and rollout, nothing in the layer cache (from createApp, so without the webhook): ${sec(first)}`);
    const median = (st: Stage) => percentile(runs.map((r) => r.stages[st]), 50);
    const p50 = percentile(totals, 50);
    out(`  stages (median of each; container times are the kubelet's, to the second): ${(['clone', 'detect', 'build', 'push', 'rollout', 'other'] as Stage[])
      .map((st) => `${st} ${sec(median(st))} (${((median(st) / p50) * 100).toFixed(0)}%)`).join(', ')}`);
  } finally {
    watch?.stop();
    await gateway.stop();
    await ports.stop();
    await running.stop();
    await git.close();
  }
}
