import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { run, type Running } from '../server/main.js';
import { startPostgres, type LocalPostgres } from '../scripts/local/postgres.js';
import { freePort } from '../scripts/local/proc.js';
import { rest } from './helpers/clients.js';
import { eventually } from './helpers/full.js';
import { onCluster, simulatedCluster } from './helpers/node-env.js';
import { ADMIN, SECRET_KEY } from './helpers/platform.js';

/**
 * PostgreSQL restarts while a client keeps changing and reading apps (about 20 requests/s over
 * 40 apps). While it is down the API answers 503 with Retry-After, never a 500 and never late;
 * every change it acknowledged before is kept and reaches the cluster afterwards. On a simulated
 * cluster by name: its 40 apps' pods would fill the real node's 2 cores (50m each) for the files after.
 */
describe('faults: PostgreSQL restarts under load', () => {
  const stack = inject('stack');
  let postgres: LocalPostgres;
  let running: Running;
  let url: string;
  let options: Parameters<typeof startPostgres>[0];
  const APPS = 40;
  const cluster = simulatedCluster();

  beforeAll(async () => {
    const dir = mkdtempSync(join(stack.dir, 'pg-faults-'));
    options = { dir: join(dir, 'data'), port: await freePort(), password: 'faults-password', persistent: true, logFile: join(dir, 'pg.log'), ownDir: dir };
    postgres = await startPostgres(options);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    running = await run(['api', 'worker'], {
      DATABASE_URL: postgres.url, ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG, YUNBANG_PUBLIC_URL: url,
      YUNBANG_ADMIN_TOKEN: ADMIN, YUNBANG_SECRET_KEY: SECRET_KEY, PORT: String(port), HOST: '127.0.0.1', YUNBANG_WORKER_CONCURRENCY: '4',
      // A job whose completion the outage swallowed stays active until it expires: keep that short here.
      YUNBANG_JOB_TIMEOUT_SECONDS: '15', YUNBANG_MAINTENANCE_SECONDS: '5',
      // Room in the team's plan for 40 apps of the default size (the default plan fits 32).
      YUNBANG_TEAM_QUOTA: 'pods=100,requests.cpu=8,requests.memory=16Gi,limits.cpu=32,limits.memory=32Gi',
      ...onCluster(cluster),
    });
  });
  afterAll(async () => { await running?.stop().catch(() => {}); await postgres?.stop(); });

  it('answers 503 with Retry-After while it is down, loses no acknowledged change, and converges after', async () => {
    const admin = rest(url, ADMIN);
    const team = `pgf-${Date.now().toString(36)}`;
    expect((await admin('POST', '/teams', { name: team })).status).toBe(201);
    for (let i = 0; i < APPS; i++) expect((await admin('POST', `/teams/${team}/apps`, { name: `a${i}`, image: 'registry.example/w:1', port: 8080 })).status).toBe(201);

    // The load: every 50 ms a change (env V=<n> of one app) or a read; each answer is kept.
    const acknowledged = new Map<string, number>(); // app → the last V the API acknowledged
    const answers: { status: number; retryAfter: string | null; phase: string; change: boolean }[] = [];
    let phase = 'before';
    let n = 0;
    let stop = false;
    const client = (async () => {
      while (!stop) {
        const i = n++;
        const app = `a${i % APPS}`;
        const change = i % 2 === 0;
        const p = phase;
        // A generous cap, not a timing goal: a request still unanswered at it counts as no answer (status 0).
        const r = await (change
          ? fetch(`${url}/api/v1/teams/${team}/apps/${app}`, { method: 'PATCH', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ env: [{ name: 'V', value: String(i) }] }), signal: AbortSignal.timeout(15_000) })
          : fetch(`${url}/api/v1/teams/${team}/apps/${app}`, { headers: { authorization: `Bearer ${ADMIN}` }, signal: AbortSignal.timeout(15_000) })
        ).then(async (res) => { await res.text(); return res; }, () => undefined);
        answers.push({ status: r?.status ?? 0, retryAfter: r?.headers.get('retry-after') ?? null, phase: p, change });
        if (change && r?.status === 200) acknowledged.set(app, i);
        await new Promise((res) => setTimeout(res, 50));
      }
    })();

    // Each phase ends on what it is for, never after a fixed time.
    const acknowledgedIn = (ph: string) => answers.filter((a) => a.phase === ph && a.change && a.status === 200).length;
    await eventually('changes acknowledged before the outage', async () => acknowledgedIn('before') >= 5, 30_000);
    phase = 'down';
    await postgres.stop();
    await eventually('503s while the database is down', async () => answers.filter((a) => a.phase === 'down' && a.status === 503).length >= 5, 30_000);
    phase = 'restarting';
    postgres = await startPostgres(options);
    phase = 'after';
    await eventually('the API answers again', async () => (await admin('GET', `/teams/${team}/apps/a0`)).status === 200, 30_000);
    await eventually('changes acknowledged after the restart', async () => acknowledgedIn('after') >= 5, 30_000);
    stop = true;
    await client;

    // Never a 500; every request answered; while down, 503 with Retry-After.
    expect(answers.filter((a) => a.status === 0)).toEqual([]);
    expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
    const down = answers.filter((a) => a.status === 503);
    expect(down.length).toBeGreaterThanOrEqual(5);
    expect(down.every((a) => a.retryAfter === '5')).toBe(true);
    // Changes were acknowledged on both sides of the outage, so the check below has something to check.
    expect(acknowledgedIn('before')).toBeGreaterThanOrEqual(5);
    expect(acknowledgedIn('after')).toBeGreaterThanOrEqual(5);
    expect(acknowledged.size).toBeGreaterThan(0);

    // Every acknowledged change is there, and reaches the cluster.
    const apps = (await admin('GET', `/teams/${team}/apps`)).body as { name: string; env: { name: string; value: string }[]; generation: number }[];
    for (const [app, v] of acknowledged) {
      const a = apps.find((x) => x.name === app)!;
      expect(Number(a.env.find((e) => e.name === 'V')?.value)).toBeGreaterThanOrEqual(v);
    }
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster?.KUBECONFIG ?? stack.KUBECONFIG);
    const appsApi = kc.makeApiClient(k8s.AppsV1Api);
    await eventually('every app reconciled to its latest intent', async () => {
      const now = (await admin('GET', `/teams/${team}/apps`)).body as { name: string; generation: number; env: { name: string; value: string }[]; status: { observedGeneration: number } }[];
      const behind = now.filter((a) => a.status.observedGeneration !== a.generation);
      if (behind.length) throw new Error(`${behind.length} apps behind: ${behind.slice(0, 3).map((a) => `${a.name} ${a.status.observedGeneration}/${a.generation}`).join(', ')}`);
      const deployments = (await appsApi.listNamespacedDeployment({ namespace: `yb-${team}` })).items;
      return now.every((a) => {
        const d = deployments.find((x) => x.metadata?.name === a.name);
        const want = a.env.find((e) => e.name === 'V')?.value;
        return want === undefined || d?.spec?.template.spec?.containers[0]?.env?.find((e) => e.name === 'V')?.value === want;
      });
    }, 90_000);
  }, 180_000);
});
