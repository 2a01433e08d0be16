import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers/full.js';
import { viaGateway } from './helpers/gateway.js';
import { startLoad } from './helpers/load.js';
import { hostPort, prometheusPort, startTestAlerting, startTestPrometheus } from './helpers/prometheus.js';
import { realNodeOfStack, startRealNodePlatform, type RealNodePlatform } from './helpers/real-node.js';
import { freePort } from '../scripts/local/proc.js';
import { verifyWebhookSignature } from '../packages/sdk/src/webhooks.js';
import type { LocalPrometheus } from '../scripts/local/prometheus.js';
import type { LocalAlertmanager } from '../scripts/local/alertmanager.js';

interface Delivery { path: string; headers: IncomingHttpHeaders; body: string; json: any }

/** A team's webhook receiver on loopback: records every delivery. */
async function webhookReceiver() {
  const got: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      let json: unknown;
      try { json = JSON.parse(body); } catch { /* not JSON */ }
      got.push({ path: req.url ?? '', headers: req.headers, body, json });
      res.writeHead(204).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${port}`, got, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/**
 * Alerts end to end on the real node: the gateway counts an app's 5xx answers, Prometheus
 * (Debian's) evaluates Yunbang's rules against the thresholds the worker exports, Alertmanager
 * (Debian's) posts to the API's receiver, which records the app's event and notifies the team's
 * webhook, signed.
 */
describe('alerts: rules per app, routed by Alertmanager, delivered as signed webhooks', { timeout: 240_000 }, () => {
  let r: RealNodePlatform;
  let prom: LocalPrometheus;
  let am: LocalAlertmanager;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  const hosts: Record<string, string> = {};
  let secret = '';
  const token = randomBytes(24).toString('hex');

  beforeAll(async () => {
    hook = await webhookReceiver();
    const { port, env } = await prometheusPort();
    r = await startRealNodePlatform({ ...env, YUNBANG_MONITORING_TOKEN: token, YUNBANG_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1' });
    const alerting = await startTestAlerting(r.p.url, token);
    am = alerting.alertmanager;
    prom = await startTestPrometheus(port, { yunbang: [hostPort(r.p.url)], gateways: [hostPort(r.gw.gateway.statusUrl)], kubelets: [{ ...realNodeOfStack().kubelet, cluster: r.cluster.name }] }, { ruleFiles: [alerting.ruleFile], alertmanager: am.address, yunbangToken: token });
    for (const app of ['loud', 'quiet']) {
      const created = await r.admin('POST', `/teams/${r.team}/apps`, { name: app, image: 'registry.example/stand-in:latest', port: 8080 });
      expect(created.status).toBe(201);
      hosts[app] = created.body.defaultDomain;
    }
    const added = await r.admin('POST', `/teams/${r.team}/notifications`, { url: `${hook.url}/alerts` });
    expect(added.status).toBe(201);
    secret = added.body.secret;
    expect((await r.admin('POST', `/teams/${r.team}/notifications`, { url: `${hook.url}/slack`, format: 'slack' })).status).toBe(201);
    for (const app of ['loud', 'quiet']) {
      await r.status(app, (s) => s.health === 'Ready', 90_000);
      await eventually(`the gateway to route to ${app}`, async () => (await viaGateway(r.gw, hosts[app]!)).status === 200, 20_000);
    }
    await r.gw.gateway.settled();
  });
  afterAll(async () => { await prom?.stop(); await am?.stop(); await r?.close(); await hook?.close(); });

  it("an app's rules are the defaults until it overrides one; bad rules are refused, naming the field", async () => {
    const before = await r.admin('GET', `/teams/${r.team}/apps/loud/alerts`);
    expect(before.body).toEqual({
      rules: { errorRatio: { threshold: 0.05, minRequests: 50 }, latencyP95Ms: { threshold: 2000, minRequests: 50 }, crashLoop: true, memoryRatio: { threshold: 0.9 } },
      overrides: {},
    });
    const set = await r.admin('PUT', `/teams/${r.team}/apps/loud/alerts`, { errorRatio: { threshold: 0.5, minRequests: 20 }, latencyP95Ms: false });
    expect(set.status).toBe(200);
    expect(set.body.rules).toMatchObject({ errorRatio: { threshold: 0.5, minRequests: 20 }, latencyP95Ms: false, crashLoop: true });
    const bad = await r.admin('PUT', `/teams/${r.team}/apps/loud/alerts`, { errorRatio: { threshold: 2, minRequests: 20 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toMatch(/^errorRatio/);
  });

  it('5xx answers under load fire the alert: a signed webhook and an app event; it resolves when the errors stop; a quiet app with one 500 never alerts', async () => {
    // The quiet app: one 500 among a few answers, far under the 50 requests a ratio needs.
    expect((await viaGateway(r.gw, hosts.quiet!, '/status/500')).status).toBe(500);
    for (let i = 0; i < 3; i++) expect((await viaGateway(r.gw, hosts.quiet!)).status).toBe(200);

    const load = startLoad(r.gw, hosts.loud!, { perSecond: 10, maxMs: 90_000, path: '/status/500', accept: (x) => x.status === 500 });
    let firing: Delivery;
    try {
      firing = await eventually('the firing alert at the webhook', async () =>
        hook.got.find((d) => d.path === '/alerts' && d.json?.app === 'loud' && d.json?.status === 'firing'), 90_000);
    } finally {
      expect((await load.stop()).failures).toEqual([]);
    }
    expect(firing.json).toMatchObject({ type: 'alert', alert: 'AppErrorRatioHigh', team: r.team, app: 'loud', status: 'firing' });
    expect(firing.json.summary).toMatch(/% of requests answered 5xx over the last 20s$/);
    expect(await verifyWebhookSignature({ secret, body: firing.body, signature: firing.headers['x-yunbang-signature'] as string })).toBe(true);
    expect(await verifyWebhookSignature({ secret: `${secret}x`, body: firing.body, signature: firing.headers['x-yunbang-signature'] as string })).toBe(false);
    const slack = await eventually('the Slack-format delivery', async () => hook.got.find((d) => d.path === '/slack' && d.json?.text?.includes('loud')));
    expect(slack.json.text).toMatch(new RegExp(`^:red_circle: \\*${r.team}/loud\\*: AppErrorRatioHigh firing`));
    const events = (await r.admin('GET', `/teams/${r.team}/events`)).body as { action: string; subject: string; actor: string; message: string }[];
    expect(events.find((e) => e.action === 'alert.firing' && e.message.startsWith('AppErrorRatioHigh'))).toMatchObject({ subject: 'app/loud', actor: 'alertmanager', message: expect.stringMatching(/% of requests answered 5xx/) });
    // No other rule fired: the stand-in's memory is far under its limit (the LimitRange's default).
    expect(events.filter((e) => e.action === 'alert.firing').map((e) => e.message.split(':')[0])).toEqual(['AppErrorRatioHigh']);

    // No more 5xx: the ratio has nothing to divide within 20 s, the alert resolves.
    const resolved = await eventually('the resolved alert at the webhook', async () =>
      hook.got.find((d) => d.path === '/alerts' && d.json?.app === 'loud' && d.json?.status === 'resolved'), 90_000);
    expect(resolved.json.alert).toBe('AppErrorRatioHigh');
    expect((await r.admin('GET', `/teams/${r.team}/events`)).body.some((e: { action: string; subject: string }) => e.action === 'alert.resolved' && e.subject === 'app/loud')).toBe(true);
    // Rules were evaluated all along (the loud app's alert came and went): the quiet one never fired.
    expect(hook.got.filter((d) => d.json?.app === 'quiet' || d.json?.text?.includes('/quiet'))).toEqual([]);
    // Alertmanager repeats a group and retries: each state change is recorded once.
    expect(hook.got.filter((d) => d.path === '/alerts' && d.json?.app === 'loud' && d.json?.status === 'firing')).toHaveLength(1);
  });

  it('lists the kubelets of the cluster it runs in to a Prometheus without Kubernetes discovery (HTTP SD), only with the token', async () => {
    const url = `${r.p.url}/prometheus/sd/kubelets`;
    const refused = await fetch(url, { headers: { authorization: 'Bearer wrong' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
    const groups = await eventually('the worker\'s probe lists the node', async () => {
      const g = await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json() as unknown[];
      return g.length ? g : undefined;
    }, 30_000);
    const { node } = realNodeOfStack().kubelet;
    expect(groups).toEqual([{ targets: [node], labels: { cluster: 'local', node } }]);
  });

  it("with the token set, the API's /metrics (every team's apps in its series) answers only the token", async () => {
    expect((await fetch(`${r.p.url}/metrics`)).status).toBe(401);
    const ok = await fetch(`${r.p.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^# HELP /m);
    // Prometheus, given the token, scrapes it.
    const up = await (await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent('up{job="yunbang"}')}`)).json();
    expect(up.data.result.map((x: { value: [number, string] }) => x.value[1])).toEqual(['1']);
  });

  it("the receiver refuses Alertmanager's post without its token", async () => {
    const res = await fetch(`${r.p.url}/hooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' }, body: '{"alerts":[]}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });
});
