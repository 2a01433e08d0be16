import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type Running } from '../src/main.js';
import { readApp } from '../src/publish/etcd.js';
import { startControlPlane, type LocalControlPlane } from '../scripts/local/control-plane.js';
import { startEtcd, type LocalEtcd } from '../scripts/local/etcd.js';
import { freePort, stopProcess } from '../scripts/local/proc.js';
import { startSimNode, type SimNode } from '../scripts/local/sim-node.js';
import { rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { eventually } from './helpers/full.js';
import { ADMIN, freshDatabase } from './helpers/platform.js';

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
  let team: string;

  const startYunbangEtcd = () => startEtcd({ name: 'fail-etcd', dir: join(dir, 'etcd'), port: etcdPort, peerPort: etcdPeer, logDir: dir });
  const startApiServer = () => startControlPlane({ dir: join(dir, 'kube'), etcdEndpoint: kubeEtcd.endpoint, port: apiPort, logDir: dir });
  const startWorkerProcess = () => spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const status = async () => (await admin('GET', `/teams/${team}/apps/web`)).body;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yunbang-fail-'));
    [etcdPort, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    yunbangEtcd = await startYunbangEtcd();
    kubeEtcd = await startEtcd({ name: 'fail-kube-etcd', dir: join(dir, 'kube-etcd'), port: await freePort(), peerPort: await freePort(), logDir: dir });
    cp = await startApiServer();
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.kubeconfig);
    sim = await startSimNode(kc);
    env = {
      DATABASE_URL: await freshDatabase(), ETCD_ENDPOINTS: yunbangEtcd.endpoint, KUBECONFIG: cp.kubeconfig, YUNBANG_ADMIN_TOKEN: ADMIN,
      PORT: '0', HOST: '127.0.0.1', YUNBANG_JOB_TIMEOUT_SECONDS: '3', YUNBANG_MAINTENANCE_SECONDS: '1', LOG_LEVEL: 'silent',
    };
    api = await run(['api'], env);
    worker = startWorkerProcess();
    admin = rest(`http://127.0.0.1:${(api.server!.address() as { port: number }).port}`, ADMIN);
    team = await makeTeam(`http://127.0.0.1:${(api.server!.address() as { port: number }).port}`);
    await admin('POST', `/teams/${team}/apps`, { name: 'web', image: 'nginx:1.27', replicas: 1 });
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

  it('the API server goes away mid-change: ApplyFailed is recorded, then the app converges when it returns', async () => {
    await cp.stop();
    await admin('PATCH', `/teams/${team}/apps/web`, { replicas: 2 });
    const failed = await eventually('ApplyFailed recorded', async () => { const s = await status(); return s.status.reason === 'ApplyFailed' && s; }, 20_000);
    expect(failed.status.message).toMatch(/ECONNREFUSED|connect|fetch failed/i);
    cp = await startApiServer();
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
        `SELECT 1 FROM pgboss.job WHERE name = 'app-reconcile' AND state = 'active'`)).rowCount! > 0, 20_000);
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
});
