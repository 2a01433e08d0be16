import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GatewayConfigError, loadGatewayConfig } from '../gateway/config.js';
import { routeKey } from '../src/publish/etcd.js';
import { startEtcd, type LocalEtcd } from '../scripts/local/etcd.js';
import { freePort } from '../scripts/local/proc.js';
import { eventually } from './helpers/full.js';
import { partitionable, startTestGateway, viaGateway, type TestGateway } from './helpers/gateway.js';

/**
 * Installed in a cluster, the platform's own address (YUNBANG_PUBLIC_URL's host) is served by the
 * gateway from its configuration, to the API Service it names by DNS. Here the "Service" is a
 * server on loopback named `localhost`, and the gateway has an etcd of its own.
 */
describe('gateway: the platform\'s own address', () => {
  let etcd: LocalEtcd;
  let client: Etcd3;
  let gw: TestGateway;
  let api: Server;
  const seen: { host?: string; proto?: string; forwardedHost?: string }[] = [];
  const HOST = 'yunbang.platform.test';

  beforeAll(async () => {
    api = createServer((req, res) => {
      seen.push({ host: req.headers.host, proto: String(req.headers['x-forwarded-proto']), forwardedHost: String(req.headers['x-forwarded-host']) });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ from: 'the platform api', path: req.url }));
    });
    const port = await freePort();
    await new Promise<void>((r) => api.listen(port, '127.0.0.1', () => r()));
    const dir = mkdtempSync(join(inject('stack').dir, 'platform-route-'));
    etcd = await startEtcd({ name: 'platform-route-etcd', dir: join(dir, 'etcd'), port: await freePort(), peerPort: await freePort(), logDir: dir });
    client = new Etcd3({ hosts: etcd.endpoint });
    gw = await startTestGateway({ etcd: etcd.endpoint, env: { YUNBANG_PUBLIC_URL: `http://${HOST}`, YUNBANG_GATEWAY_PLATFORM_UPSTREAM: `localhost:${port}` } });
  });
  afterAll(async () => { client?.close(); await gw?.stop(); await etcd?.stop(); api?.close(); });

  it('goes to the API Service by its name, with the usual proxy headers, from the first configuration', async () => {
    const r = await viaGateway(gw, HOST, '/v1/teams?x=1');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ from: 'the platform api', path: '/v1/teams?x=1' });
    expect(seen.at(-1)).toEqual({ host: HOST, proto: 'http', forwardedHost: HOST });
    // Any other host is still nobody's.
    expect((await viaGateway(gw, 'other.platform.test')).status).toBe(404);
  });

  it('an etcd record naming the platform\'s host cannot take it over, and is reported as skipped', async () => {
    await client.put(routeKey(HOST)).value(JSON.stringify({ team: 'mallory', app: 'phish', port: 8080, endpoints: ['127.0.0.1:9'], stopped: false, tls: null }));
    await eventually('the claim is seen', async () => gw.gateway.state().skipped.some((s) => s.key === HOST && /platform's own/.test(s.reason)));
    await gw.gateway.settled();
    const r = await viaGateway(gw, HOST, '/');
    expect(r.json?.from).toBe('the platform api');
  });

  it('is configured by both settings or neither, and says which is missing', () => {
    const base = { ETCD_ENDPOINTS: 'http://127.0.0.1:2379' };
    expect(() => loadGatewayConfig({ ...base, YUNBANG_GATEWAY_PLATFORM_UPSTREAM: 'yunbang-api.yunbang-system.svc:80' })).toThrow(/YUNBANG_PUBLIC_URL: required with YUNBANG_GATEWAY_PLATFORM_UPSTREAM/);
    expect(() => loadGatewayConfig({ ...base, YUNBANG_PUBLIC_URL: 'https://yunbang.example.org', YUNBANG_GATEWAY_PLATFORM_UPSTREAM: 'yunbang-api:eighty' })).toThrow(GatewayConfigError);
    expect(loadGatewayConfig({ ...base, YUNBANG_PUBLIC_URL: 'https://yunbang.example.org/', YUNBANG_GATEWAY_PLATFORM_UPSTREAM: 'yunbang-api.yunbang-system.svc:80' }).platform)
      .toEqual({ host: 'yunbang.example.org', upstream: { host: 'yunbang-api.yunbang-system.svc', port: 80 }, tlsSecret: 'yunbang-platform-tls' });
    // The install's example key is refused, as the API and the worker refuse theirs.
    expect(() => loadGatewayConfig({ ...base, YUNBANG_GATEWAY_KEY: 'CHANGE-ME-to-at-least-32-random-characters' })).toThrow(/YUNBANG_GATEWAY_KEY: is the example value/);
    // The local stack serves its API directly: no platform route.
    expect(loadGatewayConfig({ ...base, YUNBANG_PUBLIC_URL: 'http://localhost:8080' }).platform).toBeNull();
  });

  it('a new replica is not ready for traffic (/servingz) until it serves the routes etcd holds; /healthz, its liveness, says it runs', async () => {
    await client.put(routeKey('known.platform.test')).value(JSON.stringify({ team: 'ops', app: 'known', port: 8080, endpoints: [], stopped: false, tls: null }));
    const partition = await partitionable(etcd.endpoint);
    await partition.cut();
    const fresh = await startTestGateway({ etcd: partition.endpoint });
    try {
      const status = async (path: string) => (await fetch(`${fresh.gateway.statusUrl}${path}`)).status;
      expect(await status('/healthz')).toBe(200);
      expect(await status('/servingz')).toBe(503);
      // It would answer 404 for a host it does not know yet: what the Service must not send it.
      expect((await viaGateway(fresh, 'known.platform.test')).status).toBe(404);
      await partition.restore();
      await eventually('serving the routes', async () => (await status('/servingz')) === 200, 30_000);
      await fresh.gateway.settled();
      expect((await viaGateway(fresh, 'known.platform.test')).status).toBe(503); // known now: no endpoint yet
    } finally {
      await fresh.stop();
      await partition.close();
    }
  });
});
