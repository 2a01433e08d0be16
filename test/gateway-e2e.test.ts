import { Etcd3 } from 'etcd3';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { routeKey } from '../src/publish/etcd.js';
import { rest } from './helpers/clients.js';
import { makeTeam, uniq } from './helpers/fixtures.js';
import { eventually, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { ADMIN } from './helpers/platform.js';
import { partitionable, startTestGateway, viaGateway, type TestGateway } from './helpers/gateway.js';

// End users' side, end to end: API → worker → cluster → simulated pods serving HTTP → etcd →
// the gateway (a real nginx) → a client over TCP. Everything on loopback.
// On `local`'s node, real by default: an app's first container starts in seconds there under the
// suite's load, hence more than the default 30 s a test.
describe('gateway: apps reachable at their domains through a real nginx', { timeout: 90_000 }, () => {
  let p: FullPlatform;
  let gw: TestGateway;
  let admin: ReturnType<typeof rest>;
  beforeAll(async () => {
    p = await startFullPlatform();
    admin = rest(p.url, ADMIN);
    gw = await startTestGateway();
  });
  afterAll(async () => { await gw?.stop(); await p?.close(); });

  const create = async (team: string, body: Record<string, unknown>) => {
    const r = await admin('POST', `/teams/${team}/apps`, { image: 'registry.example/web:1', port: 8080, ...body });
    if (r.status !== 201) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  /**
   * Waits until the host answers with this status (and, if given, a body that passes check), then
   * until the gateway has settled: while nginx reloads, the previous workers accept connections for
   * a moment too, and a test must not take the old configuration's answer for the new one's.
   */
  const answers = async (host: string, status: number, check: (json: any) => boolean = () => true, opts: Parameters<typeof viaGateway>[3] = {}, timeoutMs = 20_000) => {
    const r = await eventually(`${host} answers ${status}`, async () => {
      const r = await viaGateway(gw, host, '/', opts);
      if (r.status === status && check(r.json)) return r;
      throw new Error(`${r.status} ${r.body.slice(0, 200)}`);
    }, timeoutMs);
    await gw.gateway.settled();
    return r;
  };

  it('routes a default domain and a custom domain to the pods, spreads over replicas, 503 when stopped, 404 when deleted', async () => {
    const team = await makeTeam(p.url);
    const custom = `${uniq('shop')}.example.com`;
    const app = await create(team, { name: 'web', domains: [custom] });
    expect(app.defaultDomain).toBe(`web-${team}.localhost`);

    const first = await answers(app.defaultDomain, 200, (j) => j?.app === 'web');
    expect(first.json).toMatchObject({ namespace: `yb-${team}`, app: 'web', team, image: 'registry.example/web:1', host: app.defaultDomain, path: '/' });
    expect(first.json.pod).toMatch(/^web-/);
    // The usual proxy headers reach the app, and the request id comes back.
    expect(first.json.forwarded).toMatchObject({ for: '127.0.0.1', proto: 'http', host: app.defaultDomain });
    expect(first.headers['x-request-id']).toBe(first.json.forwarded.requestId);
    const traced = await viaGateway(gw, app.defaultDomain, '/x?y=1', { headers: { 'x-request-id': 'trace-123' } });
    expect(traced.json).toMatchObject({ path: '/x?y=1', forwarded: { requestId: 'trace-123' } });
    expect(traced.headers['x-request-id']).toBe('trace-123');
    await answers(custom, 200, (j) => j?.app === 'web' && j.host === custom);

    // Scale: requests spread over the new pods.
    expect((await admin('PATCH', `/teams/${team}/apps/web`, { replicas: 3 })).status).toBe(200);
    await eventually('requests reach 3 pods', async () => {
      const pods = new Set<string>();
      for (let i = 0; i < 30; i++) pods.add((await viaGateway(gw, app.defaultDomain)).json?.pod);
      return pods.size === 3;
    }, 20_000);

    // Stop: a short "app stopped" page with 503.
    await admin('POST', `/teams/${team}/apps/web/stop`);
    const stopped = await answers(app.defaultDomain, 503);
    expect(stopped.body).toMatch(/This app is stopped/);
    expect(stopped.headers['content-type']).toMatch(/text\/html/);
    await admin('POST', `/teams/${team}/apps/web/start`);
    await answers(app.defaultDomain, 200, (j) => j?.app === 'web');

    // Delete: the hosts are no one's, 404.
    await admin('DELETE', `/teams/${team}/apps/web`);
    const gone = await answers(app.defaultDomain, 404);
    expect(gone.body).toMatch(/No app is served at this address/);
    await answers(custom, 404);
  });

  it('answers 404 for a host nobody routes', async () => {
    const r = await viaGateway(gw, `${uniq('nobody')}.example.com`);
    expect(r.status).toBe(404);
  });

  it('routes a host moved from one app to another to the new app', async () => {
    const team = await makeTeam(p.url);
    const host = `${uniq('moving')}.example.com`;
    await create(team, { name: 'old', domains: [host] });
    await create(team, { name: 'new' });
    await answers(host, 200, (j) => j?.app === 'old');
    expect((await admin('PATCH', `/teams/${team}/apps/old`, { domains: [] })).status).toBe(200);
    expect((await admin('PATCH', `/teams/${team}/apps/new`, { domains: [host] })).status).toBe(200);
    await answers(host, 200, (j) => j?.app === 'new');
  });

  it('a hostile or malformed record in etcd changes nothing else and never reaches nginx', async () => {
    const team = await makeTeam(p.url);
    const app = await create(team, { name: 'web' });
    await answers(app.defaultDomain, 200, (j) => j?.app === 'web');
    const before = gw.gateway.state().version;
    const hostile: [string, string][] = [
      ['/yunbang/v1/routes/a.com; } server { listen 9', JSON.stringify({ team, app: 'web', port: 8080, endpoints: ['10.244.0.1:8080'] })],
      [routeKey(`${uniq('inj')}.example.com`), JSON.stringify({ team: 'x; }', app: 'web', port: 80, endpoints: ['10.244.0.1:80'] })],
      [routeKey(`${uniq('ep')}.example.com`), JSON.stringify({ team, app: 'web', port: 80, endpoints: ['10.244.0.1:80; return 200 pwned'] })],
      [routeKey(`${uniq('out')}.example.com`), JSON.stringify({ team, app: 'web', port: 80, endpoints: ['93.184.216.34:80'] })],
      [routeKey(`${uniq('junk')}.example.com`), '{not json'],
    ];
    try {
      for (const [k, v] of hostile) await p.etcd.put(k).value(v);
      await eventually('hostile records skipped', async () => gw.gateway.state().skipped.filter((s) => hostile.some(([k]) => k === s.key)).length === hostile.length);
      await gw.gateway.settled();
      expect(gw.gateway.state().lastError).toBeNull();
      // Nothing in the configuration changed for them, and the app still answers.
      expect(gw.gateway.state().version === before || (await viaGateway(gw, app.defaultDomain)).status === 200).toBe(true);
      expect((await viaGateway(gw, app.defaultDomain)).json?.app).toBe('web');
      const metrics = await (await fetch(`${gw.gateway.statusUrl}/metrics`)).text();
      expect(metrics).toMatch(/yunbang_gateway_routes_skipped [1-9]/);
    } finally {
      for (const [k] of hostile) await p.etcd.delete().key(k);
    }
  });

  it('a gateway started afresh restores every route from etcd', async () => {
    const team = await makeTeam(p.url);
    const app = await create(team, { name: 'web' });
    await answers(app.defaultDomain, 200, (j) => j?.app === 'web');
    const fresh = await startTestGateway();
    try {
      const r = await viaGateway(fresh, app.defaultDomain);
      expect(r.status).toBe(200);
      expect(r.json.app).toBe('web');
    } finally {
      await fresh.stop();
    }
  });

  it('keeps serving while etcd is unreachable, and takes up what changed meanwhile when it returns', async () => {
    const team = await makeTeam(p.url);
    const app = await create(team, { name: 'web' });
    const partition = await partitionable(inject('stack').ETCD_ENDPOINTS);
    const cut = await startTestGateway({ etcd: partition.endpoint, realNode: inject('stack').realNode ?? null }); // beside `local`'s pods
    try {
      const first = await eventually('served', async () => { const r = await viaGateway(cut, app.defaultDomain); return r.status === 200 && r; });
      await partition.cut();
      // Meanwhile: the app gets two more pods and a new app appears (the worker reaches etcd; this gateway does not).
      await admin('PATCH', `/teams/${team}/apps/web`, { replicas: 3 });
      const other = await create(team, { name: 'other' });
      await eventually('published to etcd', async () => {
        const r = await p.etcd.get(routeKey(app.defaultDomain)).json() as { endpoints: string[] } | null;
        return (r?.endpoints.length ?? 0) === 3;
      });
      // The last configuration keeps serving.
      const during = await viaGateway(cut, app.defaultDomain);
      expect(during.status).toBe(200);
      expect((await viaGateway(cut, other.defaultDomain)).status).toBe(404);
      expect(first.json.app).toBe('web');

      await partition.restore();
      await eventually('the new app arrives', async () => (await viaGateway(cut, other.defaultDomain)).status === 200, 20_000);
      await eventually('and the new pods', async () => {
        const pods = new Set<string>();
        for (let i = 0; i < 20; i++) pods.add((await viaGateway(cut, app.defaultDomain)).json?.pod);
        return pods.size === 3;
      }, 20_000);
    } finally {
      await cut.stop();
      await partition.close();
    }
  });

  it('serves TLS hosts over HTTPS with a certificate from the local CA, and redirects plain HTTP', async () => {
    const team = await makeTeam(p.url);
    const custom = `${uniq('secure')}.example.com`;
    const app = await create(team, { name: 'sec', tls: true, domains: [custom] });
    expect(app.url).toBe(`https://sec-${team}.localhost/`);
    for (const host of [app.defaultDomain, custom]) {
      const r = await answers(host, 200, (j) => j?.app === 'sec', { tls: true }); // verified against the CA: a bad certificate throws
      expect(r.json.forwarded.proto).toBe('https');
      expect(r.headers['strict-transport-security']).toMatch(/max-age=/);
      const plain = await viaGateway(gw, host, '/path?q=1');
      expect(plain.status).toBe(308);
      expect(plain.headers.location).toBe(`https://${host}:${gw.httpsPort}/path?q=1`);
    }
    // A host without a route gets no certificate at all.
    await expect(viaGateway(gw, `${uniq('unknown')}.example.com`, '/', { tls: true })).rejects.toThrow();
  });

  it('passes websockets through, and an open one survives a reload caused by another app', async () => {
    const team = await makeTeam(p.url);
    const app = await create(team, { name: 'ws' });
    await answers(app.defaultDomain, 200, (j) => j?.app === 'ws');
    // *.localhost is loopback; resolve it so without asking the system resolver.
    const lookup = (_h: string, o: { all?: boolean }, cb: (...a: unknown[]) => void) => (o.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4));
    const ws = new WebSocket(`ws://${app.defaultDomain}:${gw.httpPort}/chat`, { lookup } as object);
    const next = () => new Promise<string>((resolve, reject) => { ws.once('message', (d) => resolve(d.toString())); ws.once('error', reject); });
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
    try {
      ws.send('hello');
      expect(await next()).toBe('hello');
      const version = gw.gateway.state().version;
      const other = await create(team, { name: 'other' });
      await answers(other.defaultDomain, 200, (j) => j?.app === 'other');
      expect(gw.gateway.state().version).not.toBe(version); // nginx did reload
      ws.send('still there');
      expect(await next()).toBe('still there');
    } finally {
      ws.close();
    }
  });

  it('counts requests per team and app in /metrics', async () => {
    const team = await makeTeam(p.url);
    const app = await create(team, { name: 'counted' });
    await answers(app.defaultDomain, 200, (j) => j?.app === 'counted');
    for (let i = 0; i < 5; i++) await viaGateway(gw, app.defaultDomain);
    await eventually('counted', async () => {
      const text = await (await fetch(`${gw.gateway.statusUrl}/metrics`)).text();
      const m = new RegExp(`yunbang_gateway_requests_total\\{team="${team}",app="counted",status_class="2xx"\\} (\\d+)`).exec(text);
      return m !== null && Number(m[1]) >= 6;
    });
    const text = await (await fetch(`${gw.gateway.statusUrl}/metrics`)).text();
    expect(text).toMatch(/yunbang_gateway_reloads_total\{outcome="reloaded"\} [1-9]/);
    expect(text).toMatch(new RegExp(`yunbang_gateway_request_duration_seconds_count\\{team="${team}",app="counted"\\}`));
    const ready = await fetch(`${gw.gateway.statusUrl}/readyz`);
    expect(ready.status).toBe(200);
  });
});

describe('gateway: a configuration nginx rejects is never loaded', () => {
  it('keeps the last good one serving and says why on /readyz and in a metric', async () => {
    const stack = inject('stack');
    const etcd = new Etcd3({ hosts: stack.ETCD_ENDPOINTS });
    const host = `${uniq('good')}.example.com`;
    const bad = `${uniq('bad')}.example.com`;
    // Records are validated so that nginx accepts whatever is rendered from them; a rejected text can
    // only come from a defect in the gateway itself. Stand one in: break the text whenever it routes `bad`.
    const gw = await startTestGateway({ transform: (text) => (text.includes(`server_name ${bad};`) ? text.replace(`server_name ${bad};`, `server_name ${bad}; no_such_directive;`) : text) });
    try {
      await etcd.put(routeKey(host)).value(JSON.stringify({ team: 't', app: 'a', port: 8080, endpoints: [] }));
      await eventually('good route served', async () => (await viaGateway(gw, host)).status === 503);
      await etcd.put(routeKey(bad)).value(JSON.stringify({ team: 't', app: 'b', port: 8080, endpoints: [] }));
      await eventually('rejected', async () => gw.gateway.state().lastError !== null);
      expect(gw.gateway.state().lastError).toMatch(/nginx -t rejected/);
      const readyz = await fetch(`${gw.gateway.statusUrl}/readyz`);
      expect(readyz.status).toBe(503);
      expect((await readyz.json()).reasons.join()).toMatch(/nginx -t rejected/);
      expect(await (await fetch(`${gw.gateway.statusUrl}/metrics`)).text()).toMatch(/yunbang_gateway_config_valid 0/);
      // The last good configuration still serves.
      expect((await viaGateway(gw, host)).status).toBe(503);
      expect((await viaGateway(gw, bad)).status).toBe(404);
      expect((await fetch(`${gw.gateway.statusUrl}/healthz`)).status).toBe(200);
      // Fixed: served again.
      await etcd.delete().key(routeKey(bad));
      await eventually('accepted again', async () => gw.gateway.state().lastError === null);
      expect(await (await fetch(`${gw.gateway.statusUrl}/metrics`)).text()).toMatch(/yunbang_gateway_config_valid 1/);
    } finally {
      await etcd.delete().key(routeKey(host));
      await etcd.delete().key(routeKey(bad));
      etcd.close();
      await gw.stop();
    }
  });
});
