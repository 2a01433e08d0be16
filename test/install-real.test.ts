import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startPortal, type Portal } from '../scripts/local/node/portal.js';
import { buildOwnImage } from '../scripts/local/node/own-image.js';
import { registerLocalApiService } from '../scripts/local/node/api-service.js';
import { launchChromium } from './helpers/browser.js';
import { eventually } from './helpers/full.js';
import { viaGateway, type GatewayAddress } from './helpers/gateway.js';
import { startGitServer, type GitServer } from './helpers/git-server.js';
import { INSTALL_APPS_DOMAIN, INSTALL_HOST, evaluationOverlay, kubectlOf, renderForLocalServer, type InstallSecrets } from './helpers/install.js';
import { startLoad } from './helpers/load.js';
import { getFromPod } from './helpers/pods.js';
import { realNodeOfStack } from './helpers/real-node.js';

/**
 * Issue 20's acceptance: `kubectl apply -k` of a local overlay of overlays/evaluation on the real
 * node, with Yunbang's own image built from k8s/install/Dockerfile, then the installed platform
 * driven through its gateway's Service and nothing else (a portal from loopback to the Service's
 * ClusterIP inside the node's namespace, as a load balancer would reach it), then upgraded to a
 * second build of the image under load.
 *
 * Run by .ci/run after `npm test` (YUNBANG_TEST_INSTALL=1): ten more pods, an image build and an
 * app build beside the suite's own would push the suite past its 15-minute budget.
 */
describe.skipIf(!process.env.YUNBANG_TEST_INSTALL)('the evaluation install on the real node', { timeout: 900_000 }, () => {
  const node = realNodeOfStack();
  const kubeconfig = inject('stack').KUBECONFIG;
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const kubectl = kubectlOf(kubeconfig);
  const overlay = mkdtempSync(join(tmpdir(), 'yunbang-install-'));
  const secrets: InstallSecrets = { postgresPassword: randomBytes(16).toString('hex'), adminToken: randomBytes(24).toString('hex'), secretKey: randomBytes(32).toString('hex'), gatewayKey: randomBytes(32).toString('hex'), monitoringToken: randomBytes(24).toString('hex') };
  const say = (m: string) => process.stdout.write(`[install] ${m}\n`);
  let portal: Portal | undefined;
  let unregisterExternal: (() => Promise<void>) | undefined;
  let gateway: GatewayAddress;
  let git: GitServer | undefined;
  const team = `inst${randomBytes(3).toString('hex')}`;
  const api = (method: string, path: string, body?: unknown) => viaGateway(gateway, INSTALL_HOST, `/api/v1${path}`, { method, body, headers: { authorization: `Bearer ${secrets.adminToken}` }, timeoutMs: 30_000 });

  /** Writes the overlay for an image and applies it, as `kubectl apply -k` would on a current server. */
  const install = (image: string) => {
    writeFileSync(join(overlay, 'kustomization.yaml'), evaluationOverlay({ dir: overlay, node, image, secrets }));
    kubectl.sync(['apply', '-f', '-'], renderForLocalServer(kubectl, overlay));
  };

  let firstTag = '';
  beforeAll(async () => {
    const image = await buildOwnImage({ registry: node.registry, registryInNode: node.registryInNode, say });
    firstTag = image.tag;
    say(`installing ${image.reference}`);
    install(image.reference);
  }, 1_200_000);

  afterAll(async () => {
    await portal?.stop();
    await git?.close();
    // The external metrics APIService goes first: one whose server is gone would hold up every namespace's deletion.
    await unregisterExternal?.().catch(() => {});
    try { kubectl.sync(['delete', 'apiservice', 'v1beta1.external.metrics.k8s.io', '--ignore-not-found', '--wait=false']); } catch { /* none */ }
    // The stack's own yunbang-system namespace and RBAC stay (its service accounts are the platform's identities).
    for (const kind of ['deployment', 'statefulset', 'service', 'poddisruptionbudget']) {
      try { kubectl.sync(['-n', 'yunbang-system', 'delete', kind, '-l', 'app.kubernetes.io/name=yunbang', '--wait=false']); } catch { /* none */ }
    }
    const generated = kubectl.sync(['-n', 'yunbang-system', 'get', 'configmap,secret', '-o', 'name']).split('\n').filter((n) => /\/yunbang-(config|secrets)-/.test(n));
    for (const n of generated) kubectl.sync(['-n', 'yunbang-system', 'delete', n, '--wait=false']);
    try { kubectl.sync(['-n', 'yunbang-system', 'delete', 'pvc', '--all', '--wait=false']); } catch { /* none */ }
    try { kubectl.sync(['delete', 'namespace', `yb-${team}`, '--wait=false']); } catch { /* none */ }
    rmSync(overlay, { recursive: true, force: true });
  });

  const readiness = async () => {
    const all = [...(await apps.listNamespacedDeployment({ namespace: 'yunbang-system' })).items, ...(await apps.listNamespacedStatefulSet({ namespace: 'yunbang-system' })).items]
      .filter((d) => d.metadata?.labels?.['app.kubernetes.io/name'] === 'yunbang');
    return Object.fromEntries(all.map((d) => [d.metadata!.name!, `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas}`]));
  };
  /** Every pod's phase and readiness, and the logs and events of those not ready: what a stuck install needs to be understood. */
  const podStates = async () => {
    const pods = (await core.listNamespacedPod({ namespace: 'yunbang-system' })).items;
    const out = [JSON.stringify(pods.map((p) => [p.metadata?.name, p.status?.phase, p.status?.containerStatuses?.map((c) => ({ ready: c.ready, restarts: c.restartCount, state: c.state }))]))];
    for (const p of pods.filter((p) => !p.status?.containerStatuses?.every((c) => c.ready))) {
      const name = p.metadata!.name!;
      out.push(`--- ${name}: log\n${await kubectl.async(['-n', 'yunbang-system', 'logs', '--tail=60', '--all-containers', name]).catch((e: Error) => e.message)}`);
      out.push(`--- ${name}: events\n${await kubectl.async(['-n', 'yunbang-system', 'get', 'events', '--field-selector', `involvedObject.name=${name}`]).catch((e: Error) => e.message)}`);
    }
    return out.join('\n').slice(0, 20_000);
  };

  it('reaches Ready: the API, the worker and the gateway beside the bundled PostgreSQL, etcd, registry, Prometheus and Alertmanager', async () => {
    const started = Date.now();
    const status = await eventually('the install is Ready', async () => {
      const s = await readiness();
      return Object.keys(s).length === 8 && Object.values(s).every((v) => v.split('/')[0] === v.split('/')[1]) ? s : undefined;
    }, 600_000).catch(async (e) => { throw new Error(`${String(e)}\n${JSON.stringify(await readiness())}\n${await podStates()}`); });
    say(`Ready ${((Date.now() - started) / 1000).toFixed(0)} s after kubectl apply returned`);
    expect(status).toEqual({ 'yunbang-api': '2/2', 'yunbang-worker': '2/2', 'yunbang-gateway': '3/3', postgres: '1/1', etcd: '1/1', registry: '1/1', prometheus: '1/1', alertmanager: '1/1' });
    // The installed API answers from its pod's address: Postgres, etcd and the API server reached.
    const [pod] = (await core.listNamespacedPod({ namespace: 'yunbang-system', labelSelector: 'app.kubernetes.io/component=api' })).items;
    expect((await getFromPod(pod!.status!.podIP!, 8080, '/readyz')).status).toBe(200);

    // The way in from now on: the gateway Service's ClusterIP, as a load balancer reaches it.
    const service = await core.readNamespacedService({ name: 'yunbang-gateway', namespace: 'yunbang-system' });
    portal = await startPortal(node.netns, { logFile: join(overlay, 'portal.log') });
    gateway = { httpPort: await portal.inward(0, { host: service.spec!.clusterIP!, port: 80 }) };
  });

  it('through the gateway only: a team, a git app built in the cluster and served, its webhook under the public URL, the console signing in', async () => {
    expect(gateway, 'the install is not Ready').toBeDefined();
    // The platform's own host goes to the API; the console is served there too.
    const home = await eventually('the platform answers at its public host', async () => {
      const r = await viaGateway(gateway, INSTALL_HOST, '/');
      return r.status === 200 ? r : undefined;
    }, 60_000);
    expect(home.body).toMatch(/<div id="root">/);
    expect((await api('POST', '/teams', { name: team })).status).toBe(201);

    git = await startGitServer();
    const repo = git.repo(`hello-${team}`);
    const token = randomBytes(8).toString('hex');
    repo.write({
      'package.json': JSON.stringify({ name: 'hello', version: '1.0.0', scripts: { start: 'node server.js' } }),
      'server.js': `require('http').createServer((q, s) => s.end('installed ${token} on node ' + process.version)).listen(process.env.PORT);\n`,
    });
    const commit = repo.commit('first');
    repo.push();
    const created = await api('POST', `/teams/${team}/apps`, { name: 'hello', git: { url: git.url(`hello-${team}`), branch: 'main' }, port: 8080 });
    expect(created.status, created.body).toBe(201);
    expect(created.json.webhookUrl).toMatch(new RegExp(`^http://${INSTALL_HOST.replace(/\./g, '\\.')}/hooks/[A-Za-z0-9_-]+$`));
    expect(created.json.defaultDomain).toBe(`hello-${team}.${INSTALL_APPS_DOMAIN}`);

    const build = await eventually('the build in the cluster', async () => {
      const b = ((await api('GET', `/teams/${team}/apps/hello/builds`)).json as { id: string; status: string; commit: string }[])[0];
      return b && ['succeeded', 'failed', 'cancelled'].includes(b.status) ? b : undefined;
    }, 400_000);
    if (build.status !== 'succeeded') throw new Error(`build ${build.status}: ${JSON.stringify((await api('GET', `/builds/${build.id}/logs`)).json).slice(-4000)}`);
    expect(build.commit).toBe(commit);
    const served = await eventually('the app served through the installed gateway', async () => {
      const r = await viaGateway(gateway, created.json.defaultDomain);
      return r.status === 200 ? r : undefined;
    }, 180_000);
    expect(served.body).toMatch(new RegExp(`^installed ${token} on node v20\\.`));

    // The console, in Chromium, at the public URL (its name mapped to the portal, as DNS would).
    const browser = await launchChromium([`--host-resolver-rules=MAP ${INSTALL_HOST} 127.0.0.1:${gateway.httpPort}`]);
    try {
      const page = await browser.newPage();
      await page.goto(`http://${INSTALL_HOST}/`);
      await page.getByLabel('API token').fill(secrets.adminToken);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 30_000 });
      await page.getByRole('link', { name: team, exact: true }).waitFor({ timeout: 30_000 });
    } finally { await browser.close(); }
  });

  it('metrics and alerts through the bundled Prometheus and Alertmanager: every target scraped, the app\'s requests and memory in the API, an alert in its events', async () => {
    expect(gateway, 'the install is not Ready').toBeDefined();
    const inward = async (service: string, port: number) => {
      const s = await core.readNamespacedService({ name: service, namespace: 'yunbang-system' });
      return `http://127.0.0.1:${await portal!.inward(0, { host: s.spec!.clusterIP!, port })}`;
    };
    const prometheus = await inward('prometheus', 9090);
    // Both APIs, both workers, the three gateways and the node's kubelet (through the API server's node proxy).
    const targets = await eventually('every scrape target up', async () => {
      const active = (await (await fetch(`${prometheus}/api/v1/targets?state=active`)).json()).data.activeTargets as { labels: { job: string }; health: string; lastError: string }[];
      const count = (job: string) => active.filter((t) => t.labels.job === job && t.health === 'up').length;
      return active.every((t) => t.health === 'up') && count('yunbang') === 4 && count('gateway') === 3 && count('kubelet') === 1 ? active : undefined;
    }, 120_000).catch(async (e) => { throw new Error(`${String(e)}: ${JSON.stringify((await (await fetch(`${prometheus}/api/v1/targets?state=active`)).json()).data.activeTargets.map((t: { scrapeUrl: string; health: string; lastError: string }) => [t.scrapeUrl, t.health, t.lastError]))}`); });
    expect(targets.length).toBe(8);
    const rules = (await (await fetch(`${prometheus}/api/v1/rules`)).json()).data.groups as { name: string; rules: { name: string }[] }[];
    expect(rules.flatMap((g) => g.rules.map((r) => r.name))).toEqual(['AppErrorRatioHigh', 'AppLatencyHigh', 'AppCrashLooping', 'AppMemoryNearLimit']);
    expect((await (await fetch(`${prometheus}/api/v1/alertmanagers`)).json()).data.activeAlertmanagers).toHaveLength(1);
    // Prometheus scrapes the API with the monitoring token; the public host's /metrics is refused without it.
    expect((await viaGateway(gateway, INSTALL_HOST, '/metrics')).status).toBe(401);

    // Requests through the gateway show in the app's metrics, beside its memory (the kubelet's).
    const load = startLoad(gateway, `hello-${team}.${INSTALL_APPS_DOMAIN}`, { perSecond: 5, maxMs: 120_000, accept: (r) => r.status === 200 });
    try {
      const seen = await eventually('the app\'s requests and memory in its metrics', async () => {
        const m = (await api('GET', `/teams/${team}/apps/hello/metrics?window=5m`)).json as Record<string, { t: number; v: number }[]>;
        const last = (k: string) => m[k]?.at(-1)?.v ?? 0;
        return last('requestsPerSecond') > 1 && last('memoryBytes') > 1e6 && last('replicas') >= 1 ? m : undefined;
      }, 120_000);
      expect(seen.memoryLimitBytes!.at(-1)!.v).toBeGreaterThan(seen.memoryBytes!.at(-1)!.v);
      // The same traffic as the HPA controller reads it: through the API server, from the installed
      // API's external.metrics.k8s.io. The install registers the APIService on the yunbang-api
      // Service; the local API server runs outside the node's network and cannot reach a
      // ClusterIP, so it is pointed at a portal to that same Service (as the local stack reaches
      // its own aggregated APIs).
      const installed = await k8s.KubernetesObjectApi.makeApiClient(kc).read({ apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1beta1.external.metrics.k8s.io' } }) as k8s.KubernetesObject & { spec: Record<string, unknown> };
      expect(installed.spec).toMatchObject({ service: { name: 'yunbang-api', namespace: 'yunbang-system', port: 443 }, insecureSkipTLSVerify: true });
      const apiService = await core.readNamespacedService({ name: 'yunbang-api', namespace: 'yunbang-system' });
      unregisterExternal = await registerLocalApiService(kc, {
        service: { namespace: 'kube-system', name: 'yunbang-install-external-metrics' }, group: 'external.metrics.k8s.io', version: 'v1beta1',
        port: await portal!.inward(0, { host: apiService.spec!.clusterIP!, port: 443 }),
      });
      const custom = kc.makeApiClient(k8s.CustomObjectsApi);
      const rate = await eventually('the app\'s request rate as an external metric', async () => {
        const list = await custom.listNamespacedCustomObject({ group: 'external.metrics.k8s.io', version: 'v1beta1', namespace: `yb-${team}`, plural: 'yunbang-requests-per-second', labelSelector: 'app=hello' }) as { items: { value: string }[] };
        const v = Number.parseInt(list.items[0]?.value ?? '0', 10) / 1000;
        return v > 1 ? v : undefined;
      }, 90_000);
      expect(rate).toBeLessThan(20);
    } finally { await load.stop(); }

    // Alertmanager → the API's receiver inside the cluster, with the token from yunbang-secrets.
    const alertmanager = await inward('alertmanager', 9093);
    const summary = `posted to Alertmanager by the install test ${randomBytes(4).toString('hex')}`;
    const posted = await fetch(`${alertmanager}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'AppCrashLooping', team, app: 'hello', severity: 'critical', source: 'yunbang' }, annotations: { summary } }]) });
    expect(posted.status).toBe(200);
    const event = await eventually('the alert in the app\'s events', async () => {
      const events = (await api('GET', `/teams/${team}/events`)).json as { action: string; subject: string; actor: string; message: string }[];
      return events.find((e) => e.action === 'alert.firing' && e.message.endsWith(summary));
    }, 60_000);
    expect(event).toMatchObject({ subject: 'app/hello', actor: 'alertmanager', message: `AppCrashLooping: ${summary}` });
  });

  /** The second build's one difference: a migration, which must run once however many pods start with it. */
  const PROBE = '9000_install_upgrade_probe';
  const PROBE_SQL = '-- Up Migration\n-- The install test\'s second image: a CREATE run twice would fail, an INSERT run twice would count 2.\nCREATE TABLE install_upgrade_probe (ran_at timestamptz NOT NULL DEFAULT now());\nINSERT INTO install_upgrade_probe DEFAULT VALUES;\n';

  it('upgrades to a second build of the image under load on the API and on an app: no request fails, the new migration runs once', async () => {
    expect(gateway, 'the install is not Ready').toBeDefined();
    const second = await buildOwnImage({ registry: node.registry, registryInNode: node.registryInNode, say, extraFiles: { [`src/db/migrations/${PROBE}.sql`]: PROBE_SQL } });
    expect(second.tag).not.toBe(firstTag);
    const onApi = startLoad(gateway, INSTALL_HOST, {
      perSecond: 5, maxMs: 600_000, path: `/api/v1/teams/${team}/apps`, headers: { authorization: `Bearer ${secrets.adminToken}` },
      accept: (r) => r.status === 200 && Array.isArray(r.json) && r.json.some((a: { name: string }) => a.name === 'hello'),
    });
    const onApp = startLoad(gateway, `hello-${team}.${INSTALL_APPS_DOMAIN}`, { perSecond: 5, maxMs: 600_000, accept: (r) => r.status === 200 && r.body.startsWith('installed ') });
    await new Promise((r) => setTimeout(r, 5_000));
    const started = Date.now();
    install(second.reference);
    for (const d of ['yunbang-api', 'yunbang-worker', 'yunbang-gateway']) {
      await kubectl.async(['-n', 'yunbang-system', 'rollout', 'status', `deployment/${d}`, '--timeout=600s']);
    }
    say(`upgraded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    // Past the old pods' drain, so that their last answers are counted too.
    await new Promise((r) => setTimeout(r, 10_000));
    const [a, b] = [await onApi.stop(), await onApp.stop()];
    say(`under the upgrade: API ${a.ok}/${a.sent} answered, app ${b.ok}/${b.sent} answered`);
    if (a.failures.length + b.failures.length > 0) {
      const logs = async (args: string[]) => kubectl.async(['-n', 'yunbang-system', 'logs', '--tail=40', ...args]).catch((e: Error) => e.message);
      say(`failures: ${JSON.stringify([...a.failures.slice(0, 5), ...b.failures.slice(0, 5)])}`);
      say(`postgres:\n${await logs(['postgres-0'])}`);
      say(`api:\n${await logs(['-l', 'app.kubernetes.io/component=api', '--prefix'])}`);
      say(`gateway:\n${await logs(['-l', 'app.kubernetes.io/component=gateway', '--prefix'])}`);
    }
    expect(a.failures).toEqual([]);
    expect(b.failures).toEqual([]);
    expect(a.sent).toBeGreaterThan(100);
    expect(b.sent).toBeGreaterThan(100);

    const pods = (await core.listNamespacedPod({ namespace: 'yunbang-system', labelSelector: 'app.kubernetes.io/name=yunbang' })).items
      .filter((p) => ['api', 'worker', 'gateway'].includes(p.metadata?.labels?.['app.kubernetes.io/component'] ?? '') && !p.metadata?.deletionTimestamp);
    expect(new Set(pods.map((p) => p.spec!.containers[0]!.image))).toEqual(new Set([second.reference]));
    const counted = await kubectl.async(['-n', 'yunbang-system', 'exec', 'postgres-0', '--', 'psql', '-U', 'yunbang', '-d', 'yunbang', '-tAc',
      `SELECT (SELECT count(*) FROM yunbang_migrations WHERE name = '${PROBE}') || ' ' || (SELECT count(*) FROM install_upgrade_probe)`]);
    expect(counted.trim()).toBe('1 1');
  });
});
