import { cpus, totalmem } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, gql, rest } from './helpers/clients.js';
import { makeTeam, makeToken } from './helpers/fixtures.js';
import { eventually } from './helpers/full.js';
import { viaGateway } from './helpers/gateway.js';
import { startLoad } from './helpers/load.js';
import { hostPort, prometheusPort, startTestPrometheus } from './helpers/prometheus.js';
import { realNodeOfStack, startRealNodePlatform, type RealNodePlatform } from './helpers/real-node.js';
import type { LocalPrometheus } from '../scripts/local/prometheus.js';
import { ADMIN } from './helpers/platform.js';
import { accessibilityProblems, launchChromium, screenshot, signedInPage } from './helpers/browser.js';

const SERIES = 'range { start end stepSeconds } requestsPerSecond { t v } errorRatio { t v } latencyP95Ms { t v } cpuCores { t v } memoryBytes { t v } memoryLimitBytes { t v } replicas { t v } restarts { t v }';
const last = (points: { v: number }[]) => points.at(-1)?.v;

/**
 * Apps' metrics on the real node: a real Prometheus (Debian's) scrapes the test's gateway (its
 * nginx's access log, counted per app), the kubelet's resource metrics (real containers' CPU and
 * memory) and Yunbang (which pods are which app's); the API asks it queries Yunbang builds.
 */
describe('metrics: requests, latency, CPU and memory per app, from Prometheus', { timeout: 120_000 }, () => {
  let r: RealNodePlatform;
  let prom: LocalPrometheus;
  let host: string;
  beforeAll(async () => {
    const { port, env } = await prometheusPort();
    r = await startRealNodePlatform(env);
    prom = await startTestPrometheus(port, { yunbang: [hostPort(r.p.url)], gateways: [hostPort(r.gw.gateway.statusUrl)], kubelets: [{ ...realNodeOfStack().kubelet, cluster: r.cluster.name }] });
    const created = await r.admin('POST', `/teams/${r.team}/apps`, { name: 'shop', image: 'registry.example/stand-in:latest', port: 8080, resources: { limits: { memory: '128Mi' } } });
    expect(created.status).toBe(201);
    host = created.body.defaultDomain;
    await r.status('shop', (s) => s.health === 'Ready' && s.readyReplicas === 1, 90_000);
    await eventually('the gateway to route to shop', async () => (await viaGateway(r.gw, host)).status === 200, 20_000);
    // nginx's previous workers accept connections for a moment after a reload: wait until none does.
    await r.gw.gateway.settled();
  });
  afterAll(async () => { await prom?.stop(); await r?.close(); });

  it("load through the gateway shows in the app's request-rate series within 30 s, through GraphQL and REST", async () => {
    const load = startLoad(r.gw, host, { perSecond: 20, maxMs: 60_000 });
    try {
      const started = Date.now();
      const m = await eventually('requests in the series', async () => {
        const res = await gql(r.p.url, ADMIN)(
          `query($t: String!, $a: String!) { app(team: $t, name: $a) { metrics(window: "5m", step: "2s") { ${SERIES} } } }`, { t: r.team, a: 'shop' });
        const metrics = res.data?.app?.metrics;
        // The gateway's own 503s while the route was not ready yet count as the app's 5xx: with
        // the load all answered 200, the share falls to 0 once they leave the rate's window.
        return metrics && (last(metrics.requestsPerSecond) ?? 0) > 5 && last(metrics.errorRatio) === 0 ? metrics : undefined;
      }, 30_000);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(m.range.stepSeconds).toBe(2);
      expect(m.range.end - m.range.start).toBe(300);
      // 20 requests a second, all answered 200: a latency in milliseconds.
      expect(last(m.requestsPerSecond)).toBeLessThan(40);
      expect(last(m.errorRatio)).toBe(0);
      expect(last(m.latencyP95Ms)).toBeGreaterThan(0);
      expect(last(m.latencyP95Ms)).toBeLessThan(1000);
      expect(last(m.replicas)).toBe(1);
      expect(last(m.restarts)).toBe(0);

      // The same through REST, with the kubelet's figures of the real container and its limit.
      const rest1 = await eventually('CPU and memory of the container', async () => {
        const res = await r.admin('GET', `/teams/${r.team}/apps/shop/metrics?window=5m&step=2s`);
        return res.status === 200 && last(res.body.cpuCores) !== undefined && last(res.body.memoryBytes) ? res.body : undefined;
      }, 30_000);
      expect(last(rest1.requestsPerSecond)).toBeGreaterThan(0);
      expect(last(rest1.cpuCores)).toBeGreaterThan(0);
      expect(last(rest1.cpuCores)).toBeLessThan(2); // this machine has 2 cores
      // A node process's working set: megabytes, under the 128 MiB limit shown beside it.
      expect(last(rest1.memoryBytes)).toBeGreaterThan(5 * 1024 * 1024);
      expect(last(rest1.memoryLimitBytes)).toBe(128 * 1024 * 1024);
      expect(last(rest1.memoryBytes)).toBeLessThan(last(rest1.memoryLimitBytes)!);
    } finally {
      const done = await load.stop();
      expect(done.failures).toEqual([]);
    }
  });

  it("the console's overview charts the requests it served, with units, in Chromium (screenshot saved)", async () => {
    const browser = await launchChromium();
    try {
      const page = await signedInPage(browser, r.p.url, ADMIN, { width: 1280, height: 1000 });
      await page.goto(`/teams/${r.team}/apps/shop`);
      const chart = page.locator('[data-chart="Requests"]');
      await chart.locator('canvas').waitFor();
      expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
      expect(await chart.textContent()).toContain('(per second)');
      expect(await page.locator('[data-chart="Memory"]').textContent()).toContain('against the limit');
      // Another window is another query, charted the same way.
      await page.getByText('15m', { exact: true }).click();
      await page.locator('[data-chart="Requests"] canvas').waitFor();
      await screenshot(page, 'app-metrics');
      expect(await accessibilityProblems(page)).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("an app's 5xx answers show in its error ratio; the team's summary adds its apps up", async () => {
    for (let i = 0; i < 30; i++) expect((await viaGateway(r.gw, host, '/status/500')).status).toBe(500);
    const m = await eventually('5xx in the error ratio', async () => {
      const res = await r.admin('GET', `/teams/${r.team}/apps/shop/metrics?window=2m&step=2s`);
      return res.body.errorRatio?.some((p: { v: number }) => p.v > 0.5) ? res.body : undefined;
    }, 30_000);
    expect(Math.max(...m.errorRatio.map((p: { v: number }) => p.v))).toBeLessThanOrEqual(1);
    const team = await r.admin('GET', `/teams/${r.team}/metrics?window=2m&step=2s`);
    expect(team.status).toBe(200);
    expect(Object.keys(team.body).sort()).toEqual(['cpuCores', 'errorRatio', 'memoryBytes', 'range', 'requestsPerSecond']);
    expect(team.body.requestsPerSecond.length).toBeGreaterThan(0);
  });

  it("the admin sees each node's capacity, what Yunbang's pods request of it and what is in use, in the API and the console", async () => {
    const node = await eventually('the node with its use', async () => {
      const res = await r.admin('GET', `/clusters/${r.cluster.name}/resources`);
      const n = res.body.nodes?.find((x: { name: string }) => x.name === 'localhost');
      return n?.usage?.cpuCores > 0 && n.requests.pods > 0 ? n : undefined;
    }, 40_000);
    // The node is this machine: its cores and memory.
    expect(node.capacity.cpuCores).toBe(cpus().length);
    expect(Math.abs(node.capacity.memoryBytes - totalmem()) / totalmem()).toBeLessThan(0.05);
    expect(node.allocatable.cpuCores).toBeGreaterThan(0);
    expect(node.ready).toBe(true);
    expect(node.requests.cpuCores).toBeGreaterThan(0);
    expect(node.requests.cpuCores).toBeLessThanOrEqual(node.allocatable.cpuCores);
    expect(node.usage.cpuCores).toBeGreaterThan(0);
    expect(node.usage.memoryBytes).toBeGreaterThan(50 * 1024 * 1024);
    expect(node.usage.memoryBytes).toBeLessThan(node.capacity.memoryBytes);
    // A team's owner is not an admin.
    const owner = await makeToken(r.p.url, r.team, 'owner');
    expect((await rest(r.p.url, owner)('GET', `/clusters/${r.cluster.name}/resources`)).status).toBe(403);

    const browser = await launchChromium();
    try {
      const page = await signedInPage(browser, r.p.url, ADMIN, { width: 1280, height: 900 });
      await page.goto('/clusters');
      const row = page.locator(`[data-testid="resources-${r.cluster.name}"] [data-node="localhost"]`);
      await row.getByText(/CPU: .* in use, .* requested of /).waitFor();
      await screenshot(page, 'cluster-resources');
      expect(await accessibilityProblems(page)).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("a viewer of another team reads nothing of this team's metrics, by any query", async () => {
    const other = await makeTeam(r.p.url);
    const viewer = await makeToken(r.p.url, other, 'viewer');
    const own = await makeToken(r.p.url, r.team, 'viewer');
    // Its own team's viewer may read them.
    expect((await rest(r.p.url, own)('GET', `/teams/${r.team}/apps/shop/metrics?window=5m`)).status).toBe(200);
    for (const path of [`/teams/${r.team}/apps/shop/metrics`, `/teams/${r.team}/metrics`, `/teams/${r.team}/apps/nope/metrics`]) {
      const res = await rest(r.p.url, viewer)('GET', path);
      expect([403, 404]).toContain(res.status);
      expect(JSON.stringify(res.body)).not.toContain('requestsPerSecond');
    }
    const g = await gql(r.p.url, viewer)(`query($t: String!) { app(team: $t, name: "shop") { metrics { requestsPerSecond { v } } } team(name: $t) { metrics { cpuCores { v } } } }`, { t: r.team });
    expect(g.data?.app ?? null).toBeNull();
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(g));
  });

  it('refuses windows and steps it cannot answer, naming the field (400, BAD_USER_INPUT)', async () => {
    const bad = await r.admin('GET', `/teams/${r.team}/apps/shop/metrics?window=30d`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'window', message: 'must be at most 7d' }]);
    const fine = await r.admin('GET', `/teams/${r.team}/apps/shop/metrics?window=7d&step=1s`);
    expect(fine.status).toBe(400);
    expect(fine.body.errors[0].field).toBe('step');
    const g = await gql(r.p.url, ADMIN)(`query($t: String!) { app(team: $t, name: "shop") { metrics(window: "an hour") { cpuCores { v } } } }`, { t: r.team });
    expect(codeOf(g)).toBe('BAD_USER_INPUT');
    expect(g.errors![0]!.extensions!.fields).toEqual([{ field: 'window', message: 'must be a duration such as 30s, 15m, 1h or 7d' }]);
  });
});
