import { randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { eventually, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { startTestGateway, viaGateway, type TestGateway } from './helpers/gateway.js';
import { ADMIN } from './helpers/platform.js';

/**
 * The platform on the real node's cluster (`local-3`: containerd, runc, the kubelet and
 * kube-proxy in a network namespace of the stack's own), with its images made from Debian's
 * packages in the local registry: what runs is a real process in a real container.
 */
describe('the real node: apps run as real containers', () => {
  const stack = inject('stack');
  const cluster = stack.extraClusters.find((c) => c.node === 'real')!;
  let p: FullPlatform;
  let gw: TestGateway;
  let admin: ReturnType<typeof rest>;
  let core: k8s.CoreV1Api;
  let kc: k8s.KubeConfig;
  let team: string;

  beforeAll(async () => {
    expect(cluster?.realNode, 'the test stack has a cluster with a real node').toBeDefined();
    // The platform's own cluster is the real node's, with Yunbang's identities there.
    p = await startFullPlatform({ KUBECONFIG: cluster.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: cluster.API_KUBECONFIG });
    admin = rest(p.url, ADMIN);
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.KUBECONFIG); // the admin's: the test's own assertions only
    core = kc.makeApiClient(k8s.CoreV1Api);
    gw = await startTestGateway({ realNode: cluster.realNode });
    team = await makeTeam(p.url);
  });
  afterAll(async () => { await gw?.stop(); await p?.close(); });

  const status = (name: string, want: (s: any) => boolean, timeoutMs = 60_000) => eventually(`${team}/${name} status`, async () => {
    const a = (await admin('GET', `/teams/${team}/apps/${name}`)).body;
    if (a.status?.observedGeneration === a.generation && want(a.status)) return a;
    throw new Error(JSON.stringify(a.status));
  }, timeoutMs);
  const podsOf = async (app: string) => (await core.listNamespacedPod({ namespace: `yb-${team}`, labelSelector: `yunbang.dev/app=${app}` })).items;

  it("createApp(image: nginx:1.27) serves nginx's own welcome page through the gateway, from a container", async () => {
    const created = await admin('POST', `/teams/${team}/apps`, { name: 'web', image: 'nginx:1.27', port: 80 });
    expect(created.status).toBe(201);
    await status('web', (s) => s.health === 'Ready' && s.readyReplicas === 1);
    const reply = await eventually('the welcome page', async () => {
      const r = await viaGateway(gw, created.body.defaultDomain);
      return r.status === 200 ? r : undefined;
    }, 20_000);
    expect(reply.body).toContain('<title>Welcome to nginx!</title>');

    const [pod] = await podsOf('web');
    expect(pod!.spec!.nodeName).toBe('localhost');
    expect(pod!.status!.containerStatuses![0]!.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    // The pod's address is on the node's bridge, where the gateway's nginx reached it.
    expect(pod!.status!.podIP).toMatch(new RegExp(`^${cluster.realNode!.podCidr.split('.').slice(0, 2).join('\\.')}\\.`));
  });

  it("kubectl exec runs inside the app's container, and kubectl logs -f follows what it prints", async () => {
    const [pod] = await podsOf('web');
    const name = pod!.metadata!.name!;
    let out = '';
    const sink = new Writable({ write(c, _e, cb) { out += String(c); cb(); } });
    const result = await new Promise<k8s.V1Status>((resolve, reject) => {
      new k8s.Exec(kc).exec(`yb-${team}`, name, 'app', ['sh', '-c', 'cat /etc/debian_version; nginx -v 2>&1'], sink, sink, null, false, resolve).catch(reject);
    });
    expect(result.status).toBe('Success');
    expect(out).toMatch(/^12\.\d+\n/);
    expect(out).toMatch(/nginx version: nginx\/1\.22/);

    // Follow the log, then send a request with a path of the test's own: nginx's access line arrives.
    const stream = new PassThrough();
    let logged = '';
    stream.on('data', (d) => { logged += String(d); });
    const req = await new k8s.Log(kc).log(`yb-${team}`, name, 'app', stream, { follow: true, tailLines: 0 });
    try {
      const token = randomBytes(6).toString('hex');
      const host = (await admin('GET', `/teams/${team}/apps/web`)).body.defaultDomain;
      expect((await viaGateway(gw, host, `/followed-${token}`)).status).toBe(404);
      await eventually('the request in the followed log', async () => logged.includes(`GET /followed-${token} HTTP/1.`), 15_000);
    } finally {
      req.abort();
    }
  });

  it("restarts a container that exits, and the app's status shows the kubelet's back-off", async () => {
    // debian:bookworm-slim runs bash, which exits at once without a terminal.
    expect((await admin('POST', `/teams/${team}/apps`, { name: 'quits', image: 'debian:bookworm-slim', port: 8080 })).status).toBe(201);
    const a = await status('quits', (s) => s.reason === 'CrashLoopBackOff' && /restarted \d+ time/.test(s.message), 90_000);
    expect(a.status.health).toBe('Failed');
    expect(a.status.message).toMatch(/a container is in CrashLoopBackOff: back-off \d+s before the next start; its last run ended with exit code 0 \(Completed\); restarted \d+ times?/);
    const [pod] = await podsOf('quits');
    expect(pod!.status!.containerStatuses![0]!.restartCount).toBeGreaterThan(0);
  });
});
