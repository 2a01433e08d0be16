import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchRoutes, type RouteSource } from '../gateway/source.js';
import { routeKey } from '../src/publish/etcd.js';
import { startEtcd, type LocalEtcd } from '../scripts/local/etcd.js';
import { freePort } from '../scripts/local/proc.js';
import { eventually } from './helpers/full.js';

/**
 * The gateway's route source against an etcd that hangs: connected, then paused (SIGSTOP), so it
 * accepts bytes and never answers. Without a deadline on its calls the first read would wait for
 * ever and the gateway would never become ready (CI saw one replica of three stuck so for 10 min).
 */
describe('the gateway\'s route source, etcd hung', () => {
  let etcd: LocalEtcd;
  let client: Etcd3;
  let source: RouteSource | undefined;
  let paused = false;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yunbang-source-'));
    etcd = await startEtcd({ name: 'source-etcd', dir: join(dir, 'etcd'), port: await freePort(), peerPort: await freePort(), logDir: dir });
    client = new Etcd3({ hosts: etcd.endpoint });
    await client.put(routeKey('web.example')).value('{}');
  });
  afterAll(async () => {
    if (paused) process.kill(etcd.pid!, 'SIGCONT');
    await source?.stop();
    client?.close();
    await etcd?.stop();
  });

  it('gives up on a read that gets no answer, says etcd is unreachable, and reads the routes once etcd answers again', async () => {
    const watcherClient = new Etcd3({ hosts: etcd.endpoint, dialTimeout: 3000 });
    try {
      await watcherClient.get('warm-up').string(); // the connection is up before etcd hangs
      process.kill(etcd.pid!, 'SIGSTOP');
      paused = true;
      const states: string[] = [];
      let seen = new Map<string, string>();
      source = await watchRoutes(watcherClient, {
        onSnapshot: (records) => { seen = records; },
        onState: (state, detail) => states.push(`${state}: ${detail ?? ''}`),
      }, { retryMs: 200, callTimeoutMs: 1000 });
      // It returned although etcd never answered: not synced, and said so.
      expect(source.synced()).toBe(false);
      expect(states[0]).toMatch(/^disconnected: .*deadline/i);

      process.kill(etcd.pid!, 'SIGCONT');
      paused = false;
      await eventually('the routes are read once etcd answers', async () => (source!.synced() ? true : undefined), 30_000);
      expect([...seen.keys()]).toEqual([routeKey('web.example')]);
      expect(states.at(-1)).toMatch(/^connected/);
    } finally {
      watcherClient.close();
    }
  }, 60_000);
});
