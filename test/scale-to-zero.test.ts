import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleepIdleApps } from '../jobs/sleep.js';
import { routeKey } from '../src/publish/etcd.js';
import { eventually } from './helpers/full.js';
import { viaGateway } from './helpers/gateway.js';
import { pipelined } from './helpers/pipeline.js';
import { startRealNodePlatform, type RealNodePlatform } from './helpers/real-node.js';

/**
 * Issue 23's scale to zero on the real node: an app with a rule that lets it sleep is put to sleep
 * once idle (the idle check is run with the clock two minutes ahead, rather than waiting), its
 * pods stop, and 20 concurrent first requests through the gateway (5 connections, 4 pipelined on
 * each) wake it: every one is answered by the real container, which sees each exactly once, in
 * order on each connection.
 */
describe('scale to zero (beta), on the real node', { timeout: 300_000 }, () => {
  let r: RealNodePlatform;
  let host = '';

  beforeAll(async () => {
    r = await startRealNodePlatform();
    const created = await r.admin('POST', `/teams/${r.team}/apps`, { name: 'nap', image: 'registry.example/stand-in:latest', port: 8080 });
    expect(created.status).toBe(201);
    host = created.body.defaultDomain;
    await r.status('nap', (s) => s.health === 'Ready', 90_000);
    await eventually('the gateway to route to nap', async () => (await viaGateway(r.gw, host)).status === 200, 20_000);
  });
  afterAll(async () => { await r?.close(); });

  it('refuses an idle window out of range, naming the field', async () => {
    const res = await r.admin('PUT', `/teams/${r.team}/apps/nap/autoscaling`, { min: 1, max: 2, cpuPercent: 50, scaleToZeroAfterMinutes: 0 });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e: { field: string }) => e.field)).toContain('scaleToZeroAfterMinutes');
  });

  it('idle, it sleeps (no pods, status Sleeping); 20 concurrent first requests wake it, each served once and in order per connection', async () => {
    const set = await r.admin('PUT', `/teams/${r.team}/apps/nap/autoscaling`, { min: 1, max: 2, cpuPercent: 50, scaleToZeroAfterMinutes: 1 });
    expect(set.status).toBe(200);
    expect(set.body.autoscaling.scaleToZeroAfterMinutes).toBe(1);
    const { db, boss, etcd } = r.p.running.platform;
    // Not idle yet: woken (the rule set) a moment ago.
    expect(await sleepIdleApps({ db, boss, etcd })).toEqual([]);
    // Two minutes on, with no request: asleep.
    expect(await sleepIdleApps({ db, boss, etcd }, Date.now() + 2 * 60_000)).toHaveLength(1);
    const asleep = await r.status('nap', (s) => s.reason === 'Sleeping', 90_000);
    expect(asleep.sleepingSince).toBeTruthy();
    expect(asleep.status.message).toMatch(/asleep/);
    await eventually('the pods to be gone', async () => ((await r.core.listNamespacedPod({ namespace: `yb-${r.team}`, labelSelector: 'yunbang.dev/app=nap' })).items.length === 0 ? true : undefined), 90_000);
    expect(JSON.parse((await etcd.get(routeKey(host)).string())!)).toMatchObject({ sleeping: true, endpoints: [] });
    await eventually('the gateway to serve the sleeping route', async () => {
      await r.gw.gateway.settled();
      return r.gw.gateway.state().lastError === null ? true : undefined;
    }, 10_000);

    // Five clients, each pipelining four requests (GETs and POSTs) on its connection; a connection
    // nginx closes after a reload has its unanswered requests sent again (helpers/pipeline.ts).
    const started = Date.now();
    const clients = await Promise.all([0, 1, 2, 3, 4].map((c) => pipelined(r.gw.httpPort, [0, 1, 2, 3].map((i) => ({
      method: i % 2 ? 'POST' as const : 'GET' as const, path: `/c${c}r${i}`, host, body: i % 2 ? 'ping' : undefined,
    })))));
    process.stdout.write(`[scale-to-zero] all 20 answered ${Date.now() - started} ms after they were sent to the sleeping app, over ${clients.reduce((n, x) => n + x.connections, 0)} connection(s)\n`);
    for (const [c, { responses }] of clients.entries()) {
      expect(responses.map((x) => x.status)).toEqual([200, 200, 200, 200]);
      expect(responses.map((x) => (JSON.parse(x.body) as { path: string }).path)).toEqual([0, 1, 2, 3].map((i) => `/c${c}r${i}`));
    }

    // The container's own log: each request once, each connection's in order.
    const [pod] = (await r.core.listNamespacedPod({ namespace: `yb-${r.team}`, labelSelector: 'yunbang.dev/app=nap' })).items;
    const log = await r.core.readNamespacedPodLog({ name: pod!.metadata!.name!, namespace: `yb-${r.team}` });
    const lines = String(log).split('\n').map((l) => / (GET|POST) \/(c\d+r\d+) 200$/.exec(l)?.[2]).filter(Boolean) as string[];
    expect(lines).toHaveLength(20);
    expect(new Set(lines).size).toBe(20);
    for (let c = 0; c < 5; c++) expect(lines.filter((l) => l.startsWith(`c${c}r`))).toEqual([0, 1, 2, 3].map((i) => `c${c}r${i}`));

    // Awake again, and both turns are on the app's record of events.
    const awake = await r.status('nap', (s) => s.health === 'Ready' && s.reason !== 'Sleeping', 60_000);
    expect(awake.sleepingSince).toBeNull();
    const events = (await r.admin('GET', `/teams/${r.team}/events`)).body as { action: string; subject: string; message: string }[];
    const said = events.filter((e) => e.subject === 'app/nap').map((e) => `${e.action}: ${e.message}`);
    expect(said).toEqual(expect.arrayContaining([expect.stringMatching(/^app\.sleep: asleep: no request for 1 min/), expect.stringMatching(/^app\.wake: woken by a request/)]));
  });
});
