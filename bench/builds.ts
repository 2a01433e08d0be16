import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { detect } from '../src/build/detect.js';
import { dirReader, type SourceReader } from '../src/build/source.js';
import { run } from '../server/main.js';
import { freePort } from '../scripts/local/proc.js';
import { startGitServer } from '../test/helpers/git-server.js';
import { percentile, type BenchStack } from './stack.js';
import { LOCAL_GIT_HOSTS } from '../scripts/local/stack.js';

const PUSHES = Number(process.env.BENCH_PUSHES ?? 50);
const FILES = 20_000;

/** A repository of FILES files in nested directories, with a Node.js app at its root. */
function generateRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-repo-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ engines: { node: '20' }, scripts: { start: 'node index.js', build: 'tsc' } }));
  writeFileSync(join(dir, 'package-lock.json'), '{}');
  for (let i = 0; i < FILES - 2; i++) {
    const sub = join(dir, 'src', `m${i % 50}`, `d${i % 7}`);
    if (i < 350) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.ts`), `export const x${i} = ${i};\n`);
  }
  return dir;
}

type Op = { op: 'read' | 'exists' | 'list'; path: string };

/** Records, in order, the files a reader opens or inspects. */
function recording(r: SourceReader) {
  const ops: Op[] = [];
  const record = <T>(op: Op['op'], path: string, answer: T) => { ops.push({ op, path }); return answer; };
  return { ops, reader: { read: (p: string) => record('read', p, r.read(p)), exists: (p: string) => record('exists', p, r.exists(p)), list: (d: string) => record('list', d, r.list(d)) } };
}

/**
 * The baseline: the same file-system calls the detector made, in the same order, through fs
 * directly (a read is a stat then a read, as the reader does), with no detection logic.
 */
async function replay(root: string, ops: Op[]): Promise<void> {
  for (const { op, path } of ops) {
    const full = join(root, path);
    if (op === 'list') await readdir(full).catch(() => []);
    else if (op === 'exists') await stat(full).catch(() => undefined);
    else await stat(full).then(() => readFile(full, 'utf8')).catch(() => undefined);
  }
}

async function time(runs: number, fn: () => unknown): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  return (performance.now() - t) / runs;
}

export async function benchBuilds(stack: BenchStack): Promise<void> {
  // (1) The detector on a 20,000-file repository, against the same file-system calls made bare.
  const repo = generateRepo();
  const { ops, reader } = recording(dirReader(repo));
  const plan = await detect(reader);
  await replay(repo, ops); // warm both alike
  let detectMs = 0, replayMs = 0;
  for (let round = 0; round < 10; round++) { // alternating, so neither gets a warmer cache
    detectMs += await time(5, () => detect(dirReader(repo)));
    replayMs += await time(5, () => replay(repo, ops));
  }
  detectMs /= 10; replayMs /= 10;
  rmSync(repo, { recursive: true, force: true });

  // (2) Webhook delivery → detect pod and Kaniko pod created in the API server.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const admin = `bench-${randomBytes(16).toString('hex')}`;
  const running = await run(['api', 'worker'], {
    DATABASE_URL: await stack.freshDatabase(), ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG, YUNBANG_SECRET_KEY: `bench-key-${randomBytes(16).toString("hex")}`, YUNBANG_ADMIN_TOKEN: admin, YUNBANG_GIT_ALLOWED_HOSTS: LOCAL_GIT_HOSTS,
    PORT: String(port), HOST: '127.0.0.1', YUNBANG_PUBLIC_URL: url, LOG_LEVEL: 'silent', YUNBANG_RESYNC_SECONDS: '3600',
  });
  const git = await startGitServer();
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<any>;
  };
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(stack.KUBECONFIG);
  const created = new Map<string, number>();
  const watch = await new k8s.Watch(kc).watch('/api/v1/namespaces/yb-bench/pods', {}, (type, pod: k8s.V1Pod) => {
    const key = `${pod.metadata?.labels?.['yunbang.dev/build']}/${pod.metadata?.labels?.['yunbang.dev/role']}`;
    if (type === 'ADDED' && !created.has(key)) created.set(key, performance.now());
  }, () => {});
  try {
    const r = git.repo('bench');
    r.write({ 'package.json': JSON.stringify({ scripts: { start: 'node index.js' } }), 'index.js': '' });
    r.commit('0');
    r.push();
    await call('POST', '/teams', { name: 'bench' });
    await call('POST', '/teams/bench/apps', { name: 'web', git: { url: git.url('bench') }, replicas: 1 });
    const { secret, webhookUrl } = await call('POST', '/teams/bench/apps/web/webhook-secret');
    const toDetect: number[] = [], toKaniko: number[] = [];
    for (let i = 1; i <= PUSHES; i++) {
      r.write({ 'index.js': `// ${i}` });
      const commit = r.commit(String(i));
      r.push();
      const body = JSON.stringify({ ref: 'refs/heads/main', after: commit, head_commit: { message: String(i), author: { name: 'bench' } } });
      const t0 = performance.now();
      const res = await fetch(webhookUrl, { method: 'POST', body, headers: {
        'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': `d${i}`,
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      } });
      const { build } = await res.json() as { build: { id: string } };
      while (!created.has(`${build.id}/build`)) await new Promise((s) => setTimeout(s, 2));
      toDetect.push(created.get(`${build.id}/detect`)! - t0);
      toKaniko.push(created.get(`${build.id}/build`)! - t0);
    }
    process.stdout.write(`\nBuild benchmark (local stack, simulated node)\n`);
    const count = (op: Op['op']) => ops.filter((o) => o.op === op).length;
    process.stdout.write(`(1) detector on a ${FILES}-file repository: ${detectMs.toFixed(2)} ms (${plan.language}; ${count('read')} reads, ${count('exists')} stats, ${count('list')} listings)\n`);
    process.stdout.write(`    baseline: the same ${ops.length} file-system calls made directly with node:fs, no detection logic: ${replayMs.toFixed(2)} ms; ratio ${(detectMs / replayMs).toFixed(2)}× (the detector reads ${ops.length} of the ${FILES} files and folders, never walks the tree)\n`);
    process.stdout.write(`(2) ${PUSHES} signed pushes, webhook delivery to pod created in the API server:\n`);
    process.stdout.write(`    detect pod  p50 ${percentile(toDetect, 50).toFixed(0)} ms  p95 ${percentile(toDetect, 95).toFixed(0)} ms\n`);
    process.stdout.write(`    Kaniko pod  p50 ${percentile(toKaniko, 50).toFixed(0)} ms  p95 ${percentile(toKaniko, 95).toFixed(0)} ms  (includes the clone and detection, run by the simulated node)\n`);
  } finally {
    watch.abort();
    await git.close();
    await running.stop();
  }
}
