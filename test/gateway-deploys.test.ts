import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { eventually, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { ADMIN } from './helpers/platform.js';
import { startTestGateway, viaGateway, type TestGateway } from './helpers/gateway.js';
import { startLoad } from './helpers/load.js';

// Deploys under load, and the stand-in pods' faults (YUNBANG_SIM) seen through the gateway and in app health.
describe('gateway: deploys and faults', () => {
  let p: FullPlatform;
  let gw: TestGateway;
  let admin: ReturnType<typeof rest>;
  beforeAll(async () => {
    p = await startFullPlatform();
    admin = rest(p.url, ADMIN);
    gw = await startTestGateway();
  });
  afterAll(async () => { await gw?.stop(); await p?.close(); });

  const app = async (team: string, name: string) => (await admin('GET', `/teams/${team}/apps/${name}`)).body;
  // On `local`'s node, real by default: a StatefulSet starts its pods one after another, and a crash
  // loop shows after the kubelet's first back-off (10 s), all beside the suite's other files.
  const status = (team: string, name: string, want: (s: any, a: any) => boolean, timeoutMs = 60_000) =>
    eventually(`${team}/${name} status`, async () => {
      const a = await app(team, name);
      if (a.status.observedGeneration === a.generation && want(a.status, a)) return a;
      throw new Error(JSON.stringify(a.status));
    }, timeoutMs);

  /**
   * Two replicas that take `warmup` to warm up (answering 503 meanwhile) and a readiness check on
   * /healthz; an image change while a client sends 50 requests a second through the gateway.
   */
  async function rollUnderLoad(o: { readinessCheck: boolean; warmup: string }) {
    const team = await makeTeam(p.url);
    const created = await admin('POST', `/teams/${team}/apps`, {
      name: 'web', image: 'registry.example/web:1', port: 8080, replicas: 2, env: [{ name: 'YUNBANG_SIM', value: `warmup=${o.warmup}` }],
      ...(o.readinessCheck ? { healthCheckPath: '/healthz' } : {}),
    });
    expect(created.status).toBe(201);
    const host = created.body.defaultDomain;
    await status(team, 'web', (s) => s.health === 'Ready' && s.readyReplicas === 2);
    await eventually('served', async () => (await viaGateway(gw, host)).status === 200);
    await gw.gateway.settled();

    const load = startLoad(gw, host, { perSecond: 50, maxMs: 60_000 });
    // The load covers the whole rollout: answered requests before the change and after it ends.
    await eventually('the old release answering under load', async () => load.result.ok >= 20);
    const okBefore = load.result.ok;
    expect((await admin('PATCH', `/teams/${team}/apps/web`, { image: 'registry.example/web:2' })).status).toBe(200);
    const rolled = await status(team, 'web', (s, a) => s.health === 'Ready' && s.readyReplicas === 2 && a.currentRelease === 2, 45_000);
    // Every request now reaches the new release.
    await eventually('only the new image answers', async () => {
      for (let i = 0; i < 10; i++) if ((await viaGateway(gw, host)).json?.image !== 'registry.example/web:2') return false;
      return true;
    }, 20_000);
    const okRolled = load.result.ok;
    await eventually('the new release answering under load', async () => load.result.ok >= okRolled + 20);
    const result = await load.stop();
    expect(okBefore).toBeGreaterThanOrEqual(20);
    return { result, rolled };
  }

  it('an image change rolls every replica while a client sends 50 requests/s through the gateway, failing none', async () => {
    const { result } = await rollUnderLoad({ readinessCheck: true, warmup: '3s' });
    expect(result.failures).toEqual([]);
    // Both releases answered during the run, from at least four pods (two old, two new).
    expect([...result.images.keys()].sort()).toEqual(['registry.example/web:1', 'registry.example/web:2']);
    expect(result.pods.size).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it('the same rollout fails requests when the readiness gate is removed (so the test above can fail)', async () => {
    // Without a health check path only the port is probed: pods are Ready as soon as they listen,
    // answer 503 while they warm up, and the gateway sends them traffic. A longer warm-up than
    // above: on the real node a pod's first probe, its endpoints and the gateway's reload can
    // together take 3 s under the suite's load, and a 3 s warm-up was then over (seen once).
    const { result } = await rollUnderLoad({ readinessCheck: false, warmup: '10s' });
    expect(result.failures.length).toBeGreaterThan(0);
    expect(result.failures.every((f) => f.startsWith('503'))).toBe(true);
  }, 120_000);

  it('a pod failing its readiness check gets no traffic: the app is not ready and the gateway says so', async () => {
    const team = await makeTeam(p.url);
    const created = await admin('POST', `/teams/${team}/apps`, {
      name: 'sick', image: 'registry.example/web:1', port: 8080, healthCheckPath: '/healthz', env: [{ name: 'YUNBANG_SIM', value: 'fail-readiness' }],
    });
    const a = await status(team, 'sick', (s) => s.health === 'Progressing' && s.readyReplicas === 0 && s.desiredReplicas === 1);
    expect(a.status.endpoints).toEqual([]);
    const r = await eventually('503 not ready', async () => { const r = await viaGateway(gw, created.body.defaultDomain); return r.status === 503 && r; });
    expect(r.body).toMatch(/no ready instance/);
    expect(r.headers['retry-after']).toBe('5');
  }, 90_000);

  it('a crashing container makes the app Degraded while another pod serves, and Failed when all crash', async () => {
    const team = await makeTeam(p.url);
    // One of two pods (flaky-1: a volume makes it a StatefulSet, whose pods have ordinals) exits a
    // second after each start: CrashLoopBackOff; the other keeps serving.
    const one = await admin('POST', `/teams/${team}/apps`, {
      name: 'flaky', image: 'registry.example/web:1', port: 8080, replicas: 2, volumes: [{ name: 'data', mountPath: '/data', size: '10Mi' }],
      env: [{ name: 'YUNBANG_SIM', value: 'exit-after=1s' }, { name: 'YUNBANG_SIM_ORDINALS', value: '1' }],
    });
    expect(one.status, JSON.stringify(one.body)).toBe(201);
    // (The Deployment's ready count follows the pods a moment later: wait for both to agree.)
    const degraded = await status(team, 'flaky', (s) => s.health === 'Degraded' && s.readyReplicas === 1);
    expect(degraded.status).toMatchObject({ reason: 'CrashLoopBackOff', readyReplicas: 1 });
    await eventually('served by the healthy pod', async () => (await viaGateway(gw, one.body.defaultDomain)).status === 200);

    await admin('POST', `/teams/${team}/apps`, {
      name: 'broken', image: 'registry.example/web:1', port: 8080, replicas: 2, env: [{ name: 'YUNBANG_SIM', value: 'exit-after=1s' }],
    });
    const failed = await status(team, 'broken', (s) => s.health === 'Failed' && s.readyReplicas === 0);
    expect(failed.status).toMatchObject({ reason: 'CrashLoopBackOff', readyReplicas: 0 });
    expect(failed.status.message).toMatch(/0 of 2 replicas ready; a container is in CrashLoopBackOff/);
  }, 150_000);

  it('a slow app answers slowly through the gateway', async () => {
    const team = await makeTeam(p.url);
    const created = await admin('POST', `/teams/${team}/apps`, {
      name: 'slow', image: 'registry.example/web:1', port: 8080, env: [{ name: 'YUNBANG_SIM', value: 'slow=800ms' }],
    });
    await eventually('served', async () => (await viaGateway(gw, created.body.defaultDomain)).status === 200, 45_000);
    const t0 = Date.now();
    const r = await viaGateway(gw, created.body.defaultDomain);
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(800);
  }, 60_000);
});
