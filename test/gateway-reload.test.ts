import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

  it('a burst of 100 changes that arrives during an apply is served by one more reload, not 100', async () => {
    // The burst arrives while an apply is held at its `nginx -t` check: a gateway whose nginx is a
    // wrapper that waits while a gate file exists. So the count is exact, whatever the machine's speed.
    const dir = mkdtempSync(join(inject('stack').dir, 'reload-gate-'));
    const gate = join(dir, 'gate');
    const held = join(dir, 'held');
    const wrapper = join(dir, 'nginx');
    writeFileSync(wrapper, `#!/bin/sh
case " $* " in *" -t "*) while [ -e ${gate} ]; do touch ${held}; sleep 0.05; done ;; esac
exec /usr/sbin/nginx "$@"
`, { mode: 0o755 });
    const gated = await startTestGateway({ etcd: etcd.endpoint, env: { YUNBANG_NGINX: wrapper } });
    try {
      const reloadsOf = async () => Number(/yunbang_gateway_reloads_total\{outcome="reloaded"\} (\d+)/.exec(await (await fetch(`${gated.gateway.statusUrl}/metrics`)).text())?.[1] ?? 0);
      await gated.gateway.settled();
      const before = await reloadsOf();
      const { seen: seenBefore, routes: routesBefore } = gated.gateway.state();
      writeFileSync(gate, '');
      await client.put(routeKey('first.example.com')).value(route('first'));
      await eventually('an apply held at its check', async () => existsSync(held));
      await Promise.all(Array.from({ length: 100 }, (_, i) => client.put(routeKey(`burst-${i}.example.com`)).value(route(`b${i}`)).exec()));
      await eventually('the burst read from etcd', async () => gated.gateway.state().seen === seenBefore + 101);
      rmSync(gate);
      await eventually('all served', async () => (await viaGateway(gated, 'burst-99.example.com')).status === 503 && (await viaGateway(gated, 'burst-0.example.com')).status === 503);
      await gated.gateway.settled();
      expect(gated.gateway.state().routes).toBe(routesBefore + 101);
      // The held apply's reload, then one for the whole burst.
      expect((await reloadsOf()) - before).toBe(2);
    } finally {
      await gated.stop();
    }
  });
});
