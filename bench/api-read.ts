import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { freePort } from '../scripts/local/proc.js';
import type { BenchStack } from './stack.js';

/**
 * API read latency and throughput on the local stack, each target side by side
 * with a bare express route measured in the same run. Prints absolute figures and ratios.
 */
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

export async function benchApiRead(stack: BenchStack): Promise<void> {
const admin = `bench-admin-${randomBytes(16).toString('hex')}`;
const port = await freePort();
// BENCH_CPU_PROF=<dir> writes the API server's CPU profile there (node --cpu-prof), to see where the time goes.
const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
const server = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/api-server.ts'], {
  env: { ...process.env, DATABASE_URL: await stack.freshDatabase(), ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG, YUNBANG_SECRET_KEY: `bench-key-${randomBytes(16).toString("hex")}`, YUNBANG_ADMIN_TOKEN: admin, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' },
  stdio: ['ignore', 'pipe', 'inherit'],
});

try {
  const barePort = await new Promise<number>((resolve, reject) => {
    server.once('exit', (c) => reject(new Error(`bench server exited (${c})`)));
    createInterface({ input: server.stdout! }).on('line', (l) => { try { resolve(JSON.parse(l).barePort); } catch { /* log line */ } });
  });
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, body: unknown, token = admin) => {
    const r = await fetch(`${base}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<any>;
  };
  await call('POST', '/teams', { name: 'bench' });
  await call('POST', '/teams/bench/apps', { name: 'web', image: 'nginx:1.27', port: 80, replicas: 2, env: [{ name: 'A', value: '1' }], domains: ['web.bench.dev'] });
  const { secret } = await call('POST', '/tokens', { team: 'bench', role: 'viewer', name: 'bench' });

  const auth = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
  const query = JSON.stringify({ query: '{ app(team: "bench", name: "web") { name team image port replicas env { name value } domains resources { requests { cpu memory } limits { cpu memory } } running generation currentRelease createdAt updatedAt status { health reason message readyReplicas desiredReplicas observedGeneration endpoints updatedAt } } }' });
  const targets = [
    { name: 'bare express + same query', url: `http://127.0.0.1:${barePort}/bare/bench/web`, method: 'GET' as const, headers: {}, body: undefined },
    { name: 'REST GET /teams/{team}/apps/{app}', url: `${base}/api/v1/teams/bench/apps/web`, method: 'GET' as const, headers: auth, body: undefined },
    { name: 'GraphQL app(team, name)', url: `${base}/graphql`, method: 'POST' as const, headers: auth, body: query },
  ];
  const results = [];
  for (const t of targets) {
    await autocannon({ url: t.url, method: t.method, headers: t.headers, body: t.body, connections: CONNECTIONS, duration: 2 }); // warm-up
    const r = await autocannon({ url: t.url, method: t.method, headers: t.headers, body: t.body, connections: CONNECTIONS, duration: DURATION });
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${t.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    results.push({ name: t.name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 });
  }
  const [baseline] = results;
  process.stdout.write(`\nAPI read benchmark: ${CONNECTIONS} connections, ${DURATION}s each, local stack (2 cores shared by server and load generator)\n`);
  process.stdout.write(`baseline ("bare"): an express route on the same Postgres pool running the same single query and answering the same JSON, without auth, validation or GraphQL\n`);
  process.stdout.write(`${'target'.padEnd(36)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'req/s vs bare'.padStart(14)} ${'p50 vs bare'.padStart(12)}\n`);
  for (const r of results) {
    process.stdout.write(`${r.name.padEnd(36)} ${r.rps.toFixed(0).padStart(8)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)} ${(r.rps / baseline!.rps).toFixed(2).padStart(14)} ${(r.p50 / Math.max(baseline!.p50, 1)).toFixed(2).padStart(12)}\n`);
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
}
}
