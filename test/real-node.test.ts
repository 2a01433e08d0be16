import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers/full.js';
import { viaGateway } from './helpers/gateway.js';
import { startLoad } from './helpers/load.js';
import { startRealNodePlatform, type RealNodePlatform } from './helpers/real-node.js';

/**
 * The platform on the real node's cluster, with its images made from Debian's packages in the
 * local registry: what runs is a real process in a real container.
 */
describe('the real node: apps run as real containers', () => {
  let r: RealNodePlatform;
  beforeAll(async () => { r = await startRealNodePlatform(); });
  afterAll(async () => { await r?.close(); });

  it("createApp(image: nginx:1.27) serves nginx's own welcome page through the gateway, from a container", async () => {
    const created = await r.admin('POST', `/teams/${r.team}/apps`, { name: 'web', image: 'nginx:1.27', port: 80 });
    expect(created.status).toBe(201);
    await r.status('web', (s) => s.health === 'Ready' && s.readyReplicas === 1);
    const reply = await eventually('the welcome page', async () => {
      const res = await viaGateway(r.gw, created.body.defaultDomain);
      return res.status === 200 ? res : undefined;
    }, 20_000);
    expect(reply.body).toContain('<title>Welcome to nginx!</title>');

    const [pod] = await r.podsOf('web');
    expect(pod!.spec!.nodeName).toBe('localhost');
    expect(pod!.status!.containerStatuses![0]!.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    // The pod's address is on the node's bridge, where the gateway's nginx reached it.
    expect(pod!.status!.podIP).toMatch(new RegExp(`^${r.cluster.realNode!.podCidr.split('.').slice(0, 2).join('\\.')}\\.`));
  });

  it("kubectl exec runs inside the app's container, and kubectl logs -f follows what it prints", async () => {
    const [pod] = await r.podsOf('web');
    const name = pod!.metadata!.name!;
    const { out, status } = await r.exec(name, ['sh', '-c', 'cat /etc/debian_version; nginx -v 2>&1']);
    expect(status).toBe('Success');
    expect(out).toMatch(/^12\.\d+\n/);
    expect(out).toMatch(/nginx version: nginx\/1\.22/);

    // Follow the log, then send a request with a path of the test's own: nginx's access line arrives.
    const stream = new PassThrough();
    let logged = '';
    stream.on('data', (d) => { logged += String(d); });
    const req = await new k8s.Log(r.kc).log(`yb-${r.team}`, name, 'app', stream, { follow: true, tailLines: 0 });
    try {
      const token = randomBytes(6).toString('hex');
      const host = (await r.admin('GET', `/teams/${r.team}/apps/web`)).body.defaultDomain;
      expect((await viaGateway(r.gw, host, `/followed-${token}`)).status).toBe(404);
      await eventually('the request in the followed log', async () => logged.includes(`GET /followed-${token} HTTP/1.`), 15_000);
    } finally {
      req.abort();
    }
  });

  it("restarts a container that exits, and the app's status shows the kubelet's back-off", async () => {
    // debian:bookworm-slim runs bash, which exits at once without a terminal.
    expect((await r.admin('POST', `/teams/${r.team}/apps`, { name: 'quits', image: 'debian:bookworm-slim', port: 8080 })).status).toBe(201);
    const a = await r.status('quits', (s) => s.reason === 'CrashLoopBackOff' && /restarted \d+ time/.test(s.message), 90_000);
    expect(a.status.health).toBe('Failed');
    expect(a.status.message).toMatch(/a container is in CrashLoopBackOff: back-off \d+s before the next start; its last run ended with exit code 0 \(Completed\); restarted \d+ times?/);
    const [pod] = await r.podsOf('quits');
    expect(pod!.status!.containerStatuses![0]!.restartCount).toBeGreaterThan(0);
  });

  it('an env change rolls two nginx containers while a client sends 50 requests/s through the gateway, failing none', async () => {
    const created = await r.admin('POST', `/teams/${r.team}/apps`, { name: 'roll', image: 'nginx:1.27', port: 80, replicas: 2 });
    expect(created.status).toBe(201);
    const host = created.body.defaultDomain;
    await r.status('roll', (s) => s.health === 'Ready' && s.readyReplicas === 2);
    await eventually('served', async () => (await viaGateway(r.gw, host)).status === 200, 20_000);
    await r.gw.gateway.settled();
    const before = (await r.podsOf('roll')).map((p) => p.metadata!.name!);

    const welcome = (res: { status: number; body: string }) => res.status === 200 && res.body.includes('<title>Welcome to nginx!</title>');
    const load = startLoad(r.gw, host, { perSecond: 50, maxMs: 90_000, accept: welcome });
    await new Promise((res) => setTimeout(res, 1000));
    expect((await r.admin('PATCH', `/teams/${r.team}/apps/roll`, { env: [{ name: 'ROLLED', value: '1' }] })).status).toBe(200);
    await r.status('roll', (s) => s.health === 'Ready' && s.readyReplicas === 2 && s.message === '2 of 2 replicas ready', 60_000);
    await eventually('only new pods left', async () => {
      const now = (await r.podsOf('roll')).map((p) => p.metadata!.name!);
      return now.length === 2 && now.every((n) => !before.includes(n));
    }, 60_000);
    await new Promise((res) => setTimeout(res, 1000));
    const result = await load.stop();
    expect(result.sent).toBeGreaterThan(150);
    expect(result.failures).toEqual([]);
    // Nor did the gateway meet a pod that had stopped answering (a refused or reset connection,
    // one to an address already gone): each pod keeps serving until the routes have left it
    // (the preStop drain), so no request waits on a retry.
    const upstreamErrors = readFileSync(join(r.gw.dir, 'logs', 'error.log'), 'utf8').split('\n').filter((l) => l.includes(`host: "${host}"`) && /upstream/.test(l));
    expect(upstreamErrors).toEqual([]);
  }, 150_000);
});
