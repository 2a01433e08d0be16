import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type Running } from '../server/main.js';
import { readApp } from '../src/publish/etcd.js';
import { startControlPlane, type LocalControlPlane } from '../scripts/local/control-plane.js';
import { startEtcd, type LocalEtcd } from '../scripts/local/etcd.js';
import { freePort, stopProcess } from '../scripts/local/proc.js';
import { startSimNode, type SimNode } from '../scripts/local/sim-node.js';
import { rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { startGitServer } from './helpers/git-server.js';
import { eventually } from './helpers/full.js';
import { ADMIN, SECRET_KEY, freshDatabase } from './helpers/platform.js';
import { LOCAL_GIT_HOSTS } from '../scripts/local/stack.js';

// Outages need parts of their own: this file stops and restarts its own API server and etcd,
// which the other test files must not feel. The worker runs as a separate process so it can be killed.
describe('failures: outages and a killed worker lose nothing', () => {
  let dir: string;
  let yunbangEtcd: LocalEtcd, kubeEtcd: LocalEtcd, cp: LocalControlPlane, sim: SimNode;
  let etcdPort: number, etcdPeer: number, apiPort: number;
  let api: Running;
  let worker: ChildProcess;
  let env: Record<string, string>;
  let admin: ReturnType<typeof rest>;
  let apiUrl: string;
  let team: string;

  const startYunbangEtcd = () => startEtcd({ name: 'fail-etcd', dir: join(dir, 'etcd'), port: etcdPort, peerPort: etcdPeer, logDir: dir });
  const startApiServer = () => startControlPlane({ dir: join(dir, 'kube'), etcdEndpoint: kubeEtcd.endpoint, port: apiPort, logDir: dir });
  const startWorkerProcess = () => spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', 'worker'], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const status = async () => (await admin('GET', `/teams/${team}/apps/web`)).body;
  const core = () => { const kc = new k8s.KubeConfig(); kc.loadFromFile(cp.kubeconfig); return kc.makeApiClient(k8s.CoreV1Api); };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yunbang-fail-'));
    [etcdPort, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    yunbangEtcd = await startYunbangEtcd();
    kubeEtcd = await startEtcd({ name: 'fail-kube-etcd', dir: join(dir, 'kube-etcd'), port: await freePort(), peerPort: await freePort(), logDir: dir });
    cp = await startApiServer();
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.kubeconfig);
    sim = await startSimNode(kc, { podNetwork: 245 }); // a pod network apart from the run's shared cluster
    env = {
      DATABASE_URL: await freshDatabase(), ETCD_ENDPOINTS: yunbangEtcd.endpoint, KUBECONFIG: cp.identities.worker, YUNBANG_API_KUBECONFIG: cp.identities.api, YUNBANG_ADMIN_TOKEN: ADMIN, YUNBANG_SECRET_KEY: SECRET_KEY, YUNBANG_GIT_ALLOWED_HOSTS: LOCAL_GIT_HOSTS,
      // Two worker processes on one machine: each its own metrics port.
      PORT: '0', HOST: '127.0.0.1', YUNBANG_METRICS_PORT: '0', YUNBANG_JOB_TIMEOUT_SECONDS: '3', YUNBANG_MAINTENANCE_SECONDS: '1', LOG_LEVEL: 'silent',
      // 50 apps rolling at once, old pods serving through their grace period: more than the default 100 pods.
      YUNBANG_TEAM_QUOTA: 'pods=400',
    };
    api = await run(['api'], env);
    worker = startWorkerProcess();
    apiUrl = `http://127.0.0.1:${(api.server!.address() as { port: number }).port}`;
    admin = rest(apiUrl, ADMIN);
    team = await makeTeam(`http://127.0.0.1:${(api.server!.address() as { port: number }).port}`);
    await admin('POST', `/teams/${team}/apps`, { name: 'web', image: 'registry.example/web:1', replicas: 1 });
    await eventually('web ready', async () => (await status()).status.readyReplicas === 1, 30_000);
  }, 120_000);

  afterAll(async () => {
    await stopProcess(worker);
    await api?.stop();
    await sim?.stop();
    await cp?.stop();
    await kubeEtcd?.stop();
    await yunbangEtcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the API server goes away mid-change: the failure is recorded, then the app converges when it returns', async () => {
    await cp.stop();
    try {
      await admin('PATCH', `/teams/${team}/apps/web`, { replicas: 2 });
      // The reconcile's apply fails (ApplyFailed), unless the worker's cluster probe (every 10 s)
      // saw the outage first: then the cluster's jobs wait and its apps say ClusterUnreachable.
      // Which comes first is a race of timers (on a busy machine, often the probe); both say why.
      const failed = await eventually('the failure recorded', async () => { const s = await status(); return ['ApplyFailed', 'ClusterUnreachable'].includes(s.status.reason) && s; }, 30_000);
      expect(failed.status.message).toMatch(/ECONNREFUSED|connect|fetch failed/i);
    } finally {
      // Back whatever happened: the next tests need it (a failure here must not fail them too).
      cp = await startApiServer();
    }
    await eventually('converged after the API server returned', async () => {
      const s = await status();
      return s.status.observedGeneration === s.generation && s.status.readyReplicas === 2 && s.status.health === 'Ready';
    }, 60_000);
  }, 90_000);

  it('etcd goes away: PublishFailed is recorded, then the record catches up when it returns', async () => {
    await yunbangEtcd.stop();
    const changed = await admin('PATCH', `/teams/${team}/apps/web`, { env: [{ name: 'A', value: '1' }] });
    await eventually('PublishFailed recorded', async () => (await status()).status.reason === 'PublishFailed', 30_000);
    yunbangEtcd = await startYunbangEtcd();
    const etcd = new Etcd3({ hosts: yunbangEtcd.endpoint });
    try {
      await eventually('etcd record at the new generation', async () => (await readApp(etcd, team, 'web'))?.generation === changed.body.generation, 60_000);
    } finally {
      etcd.close();
    }
  }, 120_000);

  it('a worker killed in the middle of a reconcile: the next attempt finishes the work', async () => {
    process.kill(cp.apiserverPid, 'SIGSTOP'); // the reconcile will hang on its first API call
    try {
      const changed = await admin('PATCH', `/teams/${team}/apps/web`, { replicas: 3 });
      const db = api.platform.db;
      await eventually('reconcile job active', async () => (await db.query(
        `SELECT 1 FROM pgboss.job WHERE name LIKE 'app-reconcile.%' AND state = 'active'`)).rowCount! > 0, 20_000);
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
      expect((await status()).status.observedGeneration).toBeLessThan(changed.body.generation);
    } finally {
      process.kill(cp.apiserverPid, 'SIGCONT');
    }
    worker = startWorkerProcess();
    await eventually('converged after the job expired and was retried', async () => {
      const s = await status();
      return s.status.observedGeneration === s.generation && s.status.readyReplicas === 3;
    }, 60_000);
  }, 90_000);

  // Many apps at once: a burst of changes over 50 apps, then faults in the middle of it.
  const MANY = 50;
  let many: string;
  const all = async () => (await admin('GET', `/teams/${many}/apps`)).body as { name: string; generation: number; currentRelease: number; status: { observedGeneration: number; health: string; readyReplicas: number; endpoints: string[] } }[];
  const inChunks = async (n: number, fn: (i: number) => Promise<unknown>) => { for (let i = 0; i < n; i += 10) await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, k) => fn(i + k))); };

  it('etcd and the API server go away during a burst over 50 apps: everything converges, and etcd matches PostgreSQL', async () => {
    many = await makeTeam(apiUrl);
    await inChunks(MANY, (i) => admin('POST', `/teams/${many}/apps`, { name: `m${i}`, image: 'registry.example/m:1', port: 8080 }));
    await inChunks(MANY, (i) => admin('PATCH', `/teams/${many}/apps/m${i}`, { env: [{ name: 'B', value: '1' }] }));
    await cp.stop();
    await yunbangEtcd.stop();
    await inChunks(MANY, (i) => admin('PATCH', `/teams/${many}/apps/m${i}`, { env: [{ name: 'B', value: '2' }] }));
    await new Promise((r) => setTimeout(r, 2000));
    yunbangEtcd = await startYunbangEtcd();
    cp = await startApiServer();
    const etcd = new Etcd3({ hosts: yunbangEtcd.endpoint });
    try {
      await eventually('all 50 converged, etcd in step', async () => {
        const apps = await all();
        const behind = apps.filter((a) => a.status.observedGeneration !== a.generation || a.status.health !== 'Ready');
        if (behind.length) throw new Error(`${behind.length} behind, e.g. ${JSON.stringify(behind[0]!.status)}`);
        for (const a of apps) {
          const rec = await readApp(etcd, many, a.name);
          if (rec?.generation !== a.generation || JSON.stringify(rec.endpoints) !== JSON.stringify(a.status.endpoints)) throw new Error(`${a.name}: etcd at ${rec?.generation}, ${JSON.stringify(rec?.endpoints)}; PostgreSQL at ${a.generation}, ${JSON.stringify(a.status.endpoints)}`);
        }
        return true;
      }, 120_000);
    } finally {
      etcd.close();
    }
  }, 240_000);

  it('a worker killed during a reconcile of 50 apps: a second worker finishes the work, with no extra pod or release', async () => {
    const second = startWorkerProcess();
    try {
      await inChunks(MANY, (i) => admin('PATCH', `/teams/${many}/apps/m${i}`, { replicas: 2 }));
      await eventually('the reconciles under way', async () => (await all()).filter((a) => a.status.readyReplicas === 2).length >= 5, 30_000);
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
      await eventually('all 50 at 2 replicas', async () => {
        const apps = await all();
        return apps.every((a) => a.status.observedGeneration === a.generation && a.status.readyReplicas === 2 && a.status.health === 'Ready');
      }, 120_000);
      const pods = (await core().listNamespacedPod({ namespace: `yb-${many}` })).items.filter((p) => !p.metadata?.deletionTimestamp);
      for (let i = 0; i < MANY; i++) expect(pods.filter((p) => p.metadata?.labels?.['yunbang.dev/app'] === `m${i}`)).toHaveLength(2);
      // Releases: the create and the two env changes; replicas are not a release, and none came twice.
      expect((await all()).every((a) => a.currentRelease === 3)).toBe(true);
    } finally {
      worker = second; // the one left running, for the next test and afterAll
    }
  }, 240_000);

  it('a worker killed during a build: another worker finishes it, with one build and one release', async () => {
    const git = await startGitServer({ delayMs: 1500, realNode: null }); // this file's own simulated cluster; slow: the build is still detecting when the worker dies
    try {
      const repo = git.repo('killed');
      repo.write({ 'index.html': '<h1>built once</h1>' });
      const commit = repo.commit('only');
      repo.push();
      await admin('POST', `/teams/${team}/apps`, { name: 'site', git: { url: git.url('killed'), branch: 'main' }, port: 8080 });
      const builds = async () => (await admin('GET', `/teams/${team}/apps/site/builds`)).body as { status: string; commit: string | null }[];
      await eventually('the build under way', async () => ['detecting', 'building'].includes((await builds())[0]?.status ?? ''), 20_000);
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
      worker = startWorkerProcess();
      await eventually('the build finished', async () => (await builds())[0]?.status === 'succeeded', 90_000);
      expect(await builds()).toMatchObject([{ status: 'succeeded', commit }]);
      expect((await admin('GET', `/teams/${team}/apps/site/releases`)).body).toHaveLength(1);
      // The build pods go right after the build is recorded: cleaned up, none left behind.
      await eventually('build pods removed', async () => (await core().listNamespacedPod({ namespace: `yb-${team}`, labelSelector: 'yunbang.dev/role' })).items
        .filter((p) => !p.metadata?.deletionTimestamp).length === 0, 20_000);
    } finally {
      await git.close();
    }
  }, 150_000);
});
