import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { eventually, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { viaGateway } from './helpers/gateway.js';
import { startLoad } from './helpers/load.js';
import { simulatedCluster } from './helpers/node-env.js';
import { ADMIN } from './helpers/platform.js';
import { accessibilityProblems, launchChromium, screenshot, signedInPage } from './helpers/browser.js';
import { startRealNodePlatform, type RealNodePlatform } from './helpers/real-node.js';

/**
 * Issue 23's first part on the real node: an autoscaling rule becomes a real HorizontalPodAutoscaler,
 * which kube-controller-manager's HPA controller carries out from the resource metrics API (the
 * local stand-in for metrics-server, scripts/local/node/metrics-api.ts, from the kubelet's own
 * figures); Yunbang's applies leave the replicas to it. The scale-down window is shortened to 15 s
 * (YUNBANG_AUTOSCALE_DOWN_SECONDS; Kubernetes' default is 5 minutes) so the test sees the way down.
 */
describe('autoscaling: a HorizontalPodAutoscaler on CPU, on the real node', { timeout: 420_000 }, () => {
  let r: RealNodePlatform;
  let apps: k8s.AppsV1Api;
  let host = '';
  const deploymentReplicas = async () => (await apps.readNamespacedDeployment({ name: 'busy', namespace: `yb-${r.team}` })).spec?.replicas;

  beforeAll(async () => {
    r = await startRealNodePlatform({ YUNBANG_AUTOSCALE_DOWN_SECONDS: '15' });
    apps = r.kc.makeApiClient(k8s.AppsV1Api);
    const created = await r.admin('POST', `/teams/${r.team}/apps`, { name: 'busy', image: 'registry.example/stand-in:latest', port: 8080 });
    expect(created.status).toBe(201);
    host = created.body.defaultDomain;
    await r.status('busy', (s) => s.health === 'Ready', 90_000);
    await eventually('the gateway to route to busy', async () => (await viaGateway(r.gw, host)).status === 200, 20_000);
  });
  afterAll(async () => { await r?.close(); });

  it('refuses a rule it cannot carry out, naming the field', async () => {
    const put = (body: unknown) => r.admin('PUT', `/teams/${r.team}/apps/busy/autoscaling`, body);
    const field = (res: { body: any }, f: string) => res.body.errors?.find((e: { field: string }) => e.field === f)?.message ?? '';
    const inverted = await put({ min: 3, max: 2, cpuPercent: 50 });
    expect(inverted.status).toBe(400);
    expect(field(inverted, 'max')).toMatch(/at least min \(3\)/);
    const aimless = await put({ min: 1, max: 2 });
    expect(aimless.status).toBe(400);
    expect(field(aimless, 'cpuPercent')).toMatch(/at least one target/);
    const tooMany = await put({ min: 1, max: 500, cpuPercent: 50 });
    expect(tooMany.status).toBe(400);
    expect((await r.admin('GET', `/teams/${r.team}/apps/busy`)).body.autoscaling).toBeNull();
  });

  it('under load through the gateway the real HPA takes it from 1 to 3 or more replicas and back to 1; Yunbang never fights it for the replicas', async () => {
    const graph = gql(r.p.url, ADMIN);
    const set = await graph(`mutation($t: String!) { setAutoscaling(team: $t, name: "busy", input: { min: 1, max: 4, cpuPercent: 50 }) { app { replicas autoscaling { min max cpuPercent memoryPercent } } } }`, { t: r.team });
    expect(set.errors).toBeUndefined();
    expect(set.data.setAutoscaling.app.autoscaling).toEqual({ min: 1, max: 4, cpuPercent: 50, memoryPercent: null });

    // A hand-set count is refused while the rule decides, naming the rule.
    const scale = await r.admin('PATCH', `/teams/${r.team}/apps/busy`, { replicas: 2 });
    expect(scale.status).toBe(409);
    expect(scale.body.detail).toMatch(/autoscaled \(1–4 replicas\): turn autoscaling off/);

    await eventually('the HPA reads the pods\' CPU', async () => {
      const a = (await r.admin('GET', `/teams/${r.team}/apps/busy`)).body.autoscaling;
      return a?.status?.working ? a : undefined;
    }, 90_000);

    // Each request keeps a CPU busy 60 ms: ten a second are some 0.6 cores, twelve times the 50m each replica requests.
    const load = startLoad(r.gw, host, { perSecond: 10, maxMs: 300_000, path: '/burn/60', accept: (x) => x.status === 200 });
    let peak = 0;
    try {
      peak = await eventually('three replicas or more', async () => {
        const n = (await deploymentReplicas()) ?? 0;
        return n >= 3 ? n : undefined;
      }, 180_000);
      // The console's overview says what the autoscaler does, live (Chromium, screenshot saved).
      const browser = await launchChromium();
      try {
        const page = await signedInPage(browser, r.p.url, ADMIN, { width: 1280, height: 1000 });
        await page.goto(`/teams/${r.team}/apps/busy`);
        await page.getByTestId('autoscaling-rule').getByText('1–4 replicas on CPU 50%').waitFor();
        await page.getByText('Working').waitFor();
        expect(await page.getByTestId('autoscaler-replicas').textContent()).toMatch(/^[1-4] now, [3-4] wanted$/);
        await screenshot(page, 'app-autoscaling');
        expect(await accessibilityProblems(page)).toEqual([]);
      } finally {
        await browser.close();
      }
      // A new release while the HPA holds the replicas: Yunbang's apply leaves them as they are.
      const changed = await r.admin('PATCH', `/teams/${r.team}/apps/busy`, { env: [{ name: 'GREETING', value: 'scaled' }] });
      expect(changed.status).toBe(200);
      await r.status('busy', () => true, 60_000);
      expect(await deploymentReplicas()).toBeGreaterThanOrEqual(3);
      const managed = (await apps.readNamespacedDeployment({ name: 'busy', namespace: `yb-${r.team}` })).metadata?.managedFields ?? [];
      const owners = managed.filter((m) => JSON.stringify(m.fieldsV1 ?? {}).includes('"f:replicas"') && JSON.stringify(m.fieldsV1).includes('"f:spec"')).map((m) => m.manager);
      expect(owners).not.toContain('yunbang');
    } finally {
      const done = await load.stop();
      expect(done.failures).toEqual([]);
      expect(done.sent).toBeGreaterThan(100);
    }
    expect(peak).toBeLessThanOrEqual(4);
    await eventually('back to one replica once the load stops', async () => ((await deploymentReplicas()) === 1 ? true : undefined), 180_000);
    // Every decision is an app event with its reason, up and down.
    const decisions = await eventually('the decisions among the app\'s events', async () => {
      const events = (await r.admin('GET', `/teams/${r.team}/events`)).body as { action: string; subject: string; actor: string; message: string }[];
      const mine = events.filter((e) => e.action === 'app.autoscaled' && e.subject === 'app/busy');
      return mine.some((e) => /^1 → [2-4] replicas/.test(e.message)) && mine.some((e) => / → 1 replicas/.test(e.message)) ? mine : undefined;
    }, 60_000);
    expect(decisions.every((e) => e.actor === 'autoscaler')).toBe(true);
    // The app's view follows the HPA: it wants one replica, and says it works.
    await eventually('the app says so', async () => {
      const s = (await r.admin('GET', `/teams/${r.team}/apps/busy`)).body.autoscaling.status;
      return s?.desiredReplicas === 1 && s.working ? s : undefined;
    }, 60_000);
  });

  it('off: the app keeps the replicas it has as its own count, and its HPA is gone', async () => {
    const off = await r.admin('DELETE', `/teams/${r.team}/apps/busy/autoscaling`);
    expect(off.status).toBe(200);
    expect(off.body.autoscaling).toBeNull();
    expect(off.body.replicas).toBe(1);
    await eventually('the HPA removed', async () => {
      const list = await k8s.KubernetesObjectApi.makeApiClient(r.kc).list('autoscaling/v2beta2', 'HorizontalPodAutoscaler', `yb-${r.team}`);
      return list.items.length === 0 ? true : undefined;
    }, 30_000);
    expect((await r.admin('PATCH', `/teams/${r.team}/apps/busy`, { replicas: 2 })).status).toBe(200);
    await eventually('two replicas by hand', async () => ((await deploymentReplicas()) === 2 ? true : undefined), 30_000);
  });

  it('on again: the replicas are handed over to the HPA at their count, never reset to 1 by the apply that lets go of them', async () => {
    const on = await r.admin('PUT', `/teams/${r.team}/apps/busy/autoscaling`, { min: 1, max: 3, memoryPercent: 90 });
    expect(on.status).toBe(200);
    await r.status('busy', () => true, 30_000); // the reconcile of the new generation is done
    const d = await apps.readNamespacedDeployment({ name: 'busy', namespace: `yb-${r.team}` });
    expect(d.metadata?.annotations?.['yunbang.dev/replicas-by']).toBe('autoscaler');
    // Still the two set by hand (an apply leaving out a field only Yunbang owned would have made it 1);
    // the HPA may take them down after its 15 s window, not before.
    expect(d.spec?.replicas).toBe(2);
    expect((d.metadata?.managedFields ?? []).map((m) => m.manager)).toContain('yunbang-replicas-handover');
  });
});

describe('autoscaling on a cluster that serves no resource metrics', { timeout: 120_000 }, () => {
  let p: FullPlatform;
  beforeAll(async () => { p = await startFullPlatform({}, { cluster: simulatedCluster() }); });
  afterAll(async () => { await p?.close(); });

  it('the rule is refused at once, in words: nothing there could measure the app', async () => {
    const admin = rest(p.url, ADMIN);
    const team = await makeTeam(p.url);
    expect((await admin('POST', `/teams/${team}/apps`, { name: 'web', image: 'registry.example/stand-in:latest', port: 8080 })).status).toBe(201);
    const refused = await admin('PUT', `/teams/${team}/apps/web/autoscaling`, { min: 1, max: 3, cpuPercent: 60 });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/serves no resource metrics \(metrics\.k8s\.io\).*install metrics-server there, or scale by hand/);
    expect((await admin('GET', `/teams/${team}/apps/web`)).body.autoscaling).toBeNull();
    // The console's form says the same beside the target, at once (Chromium, screenshot saved).
    const browser = await launchChromium();
    try {
      const page = await signedInPage(browser, p.url, ADMIN);
      await page.goto(`/teams/${team}/apps/web`);
      const form = page.getByRole('form', { name: 'Autoscaling' });
      await form.getByRole('textbox', { name: 'Max' }).fill('3');
      await form.getByRole('button', { name: 'Turn on' }).click();
      await form.getByText(/serves no resource metrics/).first().waitFor();
      await screenshot(page, 'app-autoscaling-refused');
      expect(await accessibilityProblems(page)).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
