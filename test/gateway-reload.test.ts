import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { routeKey } from '../src/publish/etcd.js';
import { startEtcd, type LocalEtcd } from '../scripts/local/etcd.js';
import { freePort } from '../scripts/local/proc.js';
import { startTestGateway, viaGateway, type TestGateway } from './helpers/gateway.js';
import { eventually } from './helpers/full.js';

/**
 * When the gateway reloads, counted exactly: on an etcd of its own, so no other test's apps
 * cause reloads meanwhile.
 */
describe('gateway: reloads only for a changed configuration, and coalesces bursts', () => {
  let etcd: LocalEtcd;
  let client: Etcd3;
  let gw: TestGateway;
  beforeAll(async () => {
    const dir = mkdtempSync(join(inject('stack').dir, 'reload-'));
    etcd = await startEtcd({ name: 'reload-etcd', dir: join(dir, 'etcd'), port: await freePort(), peerPort: await freePort(), logDir: dir });
    client = new Etcd3({ hosts: etcd.endpoint });
    gw = await startTestGateway({ etcd: etcd.endpoint });
  });
  afterAll(async () => { client?.close(); await gw?.stop(); await etcd?.stop(); });

  const reloads = async () => {
    const text = await (await fetch(`${gw.gateway.statusUrl}/metrics`)).text();
    return Number(/yunbang_gateway_reloads_total\{outcome="reloaded"\} (\d+)/.exec(text)?.[1] ?? 0);
  };
  const route = (app: string, endpoints: string[] = []) => JSON.stringify({ team: 'ops', app, service: 'x', port: 8080, endpoints, stopped: false, tls: null });

  it('a write that changes nothing nginx serves (the same value, a skipped record) reloads nothing', async () => {
    await client.put(routeKey('a.example.com')).value(route('a'));
    await eventually('served', async () => (await viaGateway(gw, 'a.example.com')).status === 503);
    await gw.gateway.settled();
    const before = await reloads();
    await client.put(routeKey('a.example.com')).value(route('a'));
    await client.put(routeKey('bad host.example.com')).value(route('x'));
    await client.put(routeKey('b.example.com')).value('{"not": "a route"}');
    await eventually('records seen', async () => gw.gateway.state().skipped.length === 2);
    await gw.gateway.settled();
    expect(await reloads()).toBe(before);
    // And a real change does reload.
    await client.put(routeKey('c.example.com')).value(route('c'));
    await eventually('reloaded', async () => (await viaGateway(gw, 'c.example.com')).status === 503);
    await gw.gateway.settled(); // counted once no old worker accepts, a moment after the new one answers
    expect(await reloads()).toBe(before + 1);
  });

  it('a burst of 100 changes is served after a handful of reloads, not 100', async () => {
    const before = await reloads();
    await Promise.all(Array.from({ length: 100 }, (_, i) => client.put(routeKey(`burst-${i}.example.com`)).value(route(`b${i}`)).exec()));
    await eventually('all served', async () => (await viaGateway(gw, 'burst-99.example.com')).status === 503 && (await viaGateway(gw, 'burst-0.example.com')).status === 503);
    await gw.gateway.settled();
    expect(gw.gateway.state().routes).toBe(102);
    const done = (await reloads()) - before;
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThanOrEqual(5);
  });
});
