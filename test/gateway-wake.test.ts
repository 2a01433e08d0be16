import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityKey, routeKey, wakeKey } from '../src/publish/etcd.js';
import { startEtcd, type LocalEtcd } from '../scripts/local/etcd.js';
import { freePort } from '../scripts/local/proc.js';
import { eventually } from './helpers/full.js';
import { startTestGateway, viaGateway, type TestGateway } from './helpers/gateway.js';
import { pipelined } from './helpers/pipeline.js';

/**
 * Scale to zero at the gateway, with a real nginx and a real etcd (the app is a server on
 * loopback standing in for its pod; test/scale-to-zero.test.ts wakes a real one on the real node):
 * requests to a sleeping app are held, the app is asked to wake once, and when its route has a
 * ready endpoint every held request reaches it exactly once, in order on each connection, POST
 * bodies included. Past the timeout: 503 with Retry-After.
 */
describe('the gateway holds requests to a sleeping app and sends each on once it wakes', () => {
  let etcd: LocalEtcd;
  let client: Etcd3;
  let gw: TestGateway;
  let app: Server;
  let appPort: number;
  const seen: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'yunbang-wake-'));
  const HOST = 'nap-acme.localhost';
  const record = (o: { sleeping: boolean; endpoints: string[] }) =>
    JSON.stringify({ team: 'acme', app: 'nap', service: 'nap.yb-acme.svc.cluster.local:80', port: appPort, stopped: false, canSleep: true, tls: null, ...o });

  beforeAll(async () => {
    etcd = await startEtcd({ name: 'wake-etcd', dir: join(dir, 'etcd'), port: await freePort(), peerPort: await freePort(), logDir: dir });
    client = new Etcd3({ hosts: etcd.endpoint });
    appPort = await freePort();
    // The "pod": 10.244.77.5 → 127.244.77.5 by the gateway's local address map.
    app = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => { seen.push(`${req.method} ${req.url} ${body}`); res.end(`[served ${req.url} ${body}]`); });
    });
    await new Promise<void>((r) => app.listen(appPort, '127.244.77.5', r));
    gw = await startTestGateway({
      etcd: etcd.endpoint, dir: join(dir, 'gw'), caDir: join(dir, 'ca'), realNode: null,
      env: { YUNBANG_GATEWAY_WAKE_TIMEOUT_SECONDS: '4', YUNBANG_GATEWAY_ACTIVITY_EVERY_MS: '200' },
    });
  }, 60_000);
  afterAll(async () => {
    await gw?.stop();
    client?.close();
    await etcd?.stop();
    app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('20 concurrent first requests on 5 connections (4 pipelined on each): all served, each once, in order per connection', async () => {
    await client.put(routeKey(HOST)).value(record({ sleeping: true, endpoints: [] }));
    await eventually('the gateway knows the sleeping route', async () => (gw.gateway.state().seen >= 1 ? true : undefined), 10_000);
    await gw.gateway.settled();
    // Five clients, each pipelining four requests (GETs and POSTs with bodies) on its connection.
    const clients = Promise.all([0, 1, 2, 3, 4].map((c) => pipelined(gw.httpPort, [0, 1, 2, 3].map((i) => ({
      method: i % 2 ? 'POST' as const : 'GET' as const, path: `/c${c}r${i}`, host: HOST, body: i % 2 ? `body-c${c}r${i}` : undefined,
    })))));
    // Held: the app is asked to wake (once), nothing is answered yet.
    await eventually('the gateway asks the app to wake', async () => (await client.get(wakeKey('acme', 'nap')).string()) ?? undefined, 10_000);
    expect(seen).toEqual([]);
    // The platform wakes it: awake, no pod ready yet (still held, not answered 503) ...
    await client.put(routeKey(HOST)).value(record({ sleeping: false, endpoints: [] }));
    await new Promise((r) => setTimeout(r, 500));
    await gw.gateway.settled();
    expect(seen).toEqual([]);
    // ... then a ready endpoint appears in its route.
    await client.put(routeKey(HOST)).value(record({ sleeping: false, endpoints: [`10.244.77.5:${appPort}`] }));
    for (const [c, { responses }] of (await clients).entries()) {
      // Each connection's four answers, in the order its requests were sent; the 418 never shows.
      expect(responses.map((x) => x.status)).toEqual([200, 200, 200, 200]);
      expect(responses.map((x) => x.body)).toEqual([0, 1, 2, 3].map((i) => `[served /c${c}r${i} ${i % 2 ? `body-c${c}r${i}` : ''}]`));
      expect(responses.every((x) => !('x-yunbang-upstream' in x.headers))).toBe(true);
    }
    // The app saw each request exactly once, bodies included, and in order on each connection.
    const reached = seen;
    expect(reached).toHaveLength(20);
    expect(new Set(reached).size).toBe(20);
    for (let c = 0; c < 5; c++) {
      expect(reached.filter((s) => s.includes(`/c${c}r`)).map((s) => s.split(' ')[1])).toEqual([0, 1, 2, 3].map((i) => `/c${c}r${i}`));
    }
    expect(reached).toContain(`POST /c3r1 body-c3r1`);
    // Its requests are reported, so the platform knows it is in use.
    await eventually('the app\'s last request is reported', async () => (await client.get(activityKey('acme', 'nap')).string()) ?? undefined, 10_000);
  }, 60_000);

  it('past the wake timeout: 503 with Retry-After, a page that reloads itself for a browser', async () => {
    const sleeping = JSON.stringify({ team: 'acme', app: 'late', service: 'late.yb-acme.svc.cluster.local:80', port: 80, endpoints: [], sleeping: true, canSleep: true });
    await client.put(routeKey('late-acme.localhost')).value(sleeping);
    await client.put(routeKey('*.any-acme.localhost')).value(sleeping); // a wildcard host is held alike
    await eventually('the gateway knows the routes', async () => (gw.gateway.state().seen >= 3 ? true : undefined), 10_000);
    await gw.gateway.settled();
    const [api, browser, wild] = await Promise.all([
      viaGateway(gw, 'late-acme.localhost', '/', { timeoutMs: 15_000 }),
      viaGateway(gw, 'late-acme.localhost', '/', { timeoutMs: 15_000, headers: { accept: 'text/html' } }),
      viaGateway(gw, 'shop.any-acme.localhost', '/', { timeoutMs: 15_000 }),
    ]);
    expect([wild.status, wild.headers['retry-after']]).toEqual([503, '5']);
    expect(api.status).toBe(503);
    expect(api.headers['retry-after']).toBe('5');
    expect(api.body).toMatch(/waking up/i);
    expect(browser.status).toBe(503);
    expect(browser.headers['content-type']).toMatch(/text\/html/);
    expect(browser.body).toMatch(/http-equiv="refresh"/);
    expect(await client.get(wakeKey('acme', 'late')).string()).toBeTruthy();
  }, 30_000);
});
