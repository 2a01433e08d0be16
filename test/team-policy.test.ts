import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, gql, rest } from './helpers/clients.js';
import { makeTeam, makeToken } from './helpers/fixtures.js';
import { eventually, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { ADMIN } from './helpers/platform.js';

// A loopback address nothing listens on: a git app's first build fails at once, and nothing leaves the machine.
const NOWHERE = 'http://127.0.0.1:1/none.git';

describe('team policy: Pod Security level, plan and capabilities', () => {
  let p: FullPlatform;
  let admin: ReturnType<typeof rest>;
  beforeAll(async () => { p = await startFullPlatform(); admin = rest(p.url, ADMIN); });
  afterAll(async () => { await p?.close(); });

  const namespaceLabels = async (team: string) => (await p.core.readNamespace({ name: `yb-${team}` })).metadata?.labels ?? {};
  const quotaHard = async (team: string) => (await p.core.readNamespacedResourceQuota({ name: 'yunbang-team-quota', namespace: `yb-${team}` })).spec?.hard ?? {};

  it('only the admin sets a team\'s plan; the namespace\'s ResourceQuota follows, and null returns to the default', async () => {
    const team = await makeTeam(p.url);
    const before = (await admin('GET', `/teams/${team}`)).body;
    expect(before).toMatchObject({ podSecurity: 'baseline', quota: { builds: expect.any(Number) } });

    const owner = rest(p.url, await makeToken(p.url, team, 'owner'));
    const own = await owner('PATCH', `/teams/${team}`, { quota: { pods: 1000, cpu: '100', memory: '1Ti', builds: 100 } });
    expect(own.status, JSON.stringify(own.body)).toBe(403);
    const other = rest(p.url, await makeToken(p.url, await makeTeam(p.url), 'owner'));
    expect((await other('PATCH', `/teams/${team}`, { podSecurity: 'baseline' })).status).toBe(404); // another team's token learns nothing

    const bad = await admin('PATCH', `/teams/${team}`, { quota: { pods: 6, cpu: 'lots', memory: '4Gi', builds: 0 } });
    expect(bad.status).toBe(400);
    // The description catches the count; the quantity is checked beyond it. Either way the field is named.
    expect(bad.body.errors).toEqual([{ field: 'quota.builds', message: expect.stringContaining('>= 1') }]);
    const badCpu = await admin('PATCH', `/teams/${team}`, { quota: { pods: 6, cpu: 'lots', memory: '4Gi', builds: 1 } });
    expect(badCpu.status).toBe(400);
    expect(badCpu.body.errors).toEqual([{ field: 'quota.cpu', message: expect.stringContaining('quantity') }]);

    const set = await admin('PATCH', `/teams/${team}`, { quota: { pods: 6, cpu: '2', memory: '4Gi', storage: '20Gi', builds: 2 } });
    expect(set.status).toBe(200);
    expect(set.body.quota).toEqual({ pods: 6, cpu: '2', memory: '4Gi', storage: '20Gi', builds: 2 });
    await eventually('the quota applied', async () => {
      const hard = await quotaHard(team);
      return hard.pods === '6' && hard['limits.memory'] === '4Gi' && hard['requests.storage'] === '20Gi' ? hard : undefined;
    });

    const reset = await gql(p.url, ADMIN)(`mutation($n: String!) { updateTeam(input: { name: $n, quota: null }) { team { quota { pods cpu memory storage builds } } } }`, { n: team });
    expect(reset.errors).toBeUndefined();
    expect(reset.data.updateTeam.team.quota).toEqual(before.quota);
    await eventually('the default quota back', async () => ((await quotaHard(team)).pods === String(before.quota.pods) ? true : undefined));
    const audit = await admin('GET', `/teams/${team}/events`);
    expect(JSON.stringify(audit.body)).toContain('team.update');
  });

  it('refuses a change its plan has no room for, naming the line; a team over its plan may still shrink', async () => {
    const team = await makeTeam(p.url);
    expect((await admin('PATCH', `/teams/${team}`, { quota: { pods: 3, cpu: '2', memory: '4Gi', builds: 1 } })).status).toBe(200);
    expect((await admin('POST', `/teams/${team}/apps`, { name: 'web', image: 'nginx:1.27', replicas: 2 })).status).toBe(201);
    const big = await admin('POST', `/teams/${team}/apps`, { name: 'api', image: 'nginx:1.27', replicas: 2 });
    expect(big.status).toBe(409);
    expect(big.body.errors).toEqual([{ field: 'replicas', message: "pods would be 4 of the 3 the team's plan allows" }]);
    const heavy = await admin('PATCH', `/teams/${team}/apps/web`, { resources: { limits: { cpu: '1500m' } } });
    expect(heavy.status).toBe(409);
    expect(heavy.body.detail).toContain('limits.cpu would be 3 of the 2');
    expect((await admin('POST', `/teams/${team}/apps/web/stop`)).status).toBe(202);
    expect((await admin('POST', `/teams/${team}/apps`, { name: 'api', image: 'nginx:1.27', replicas: 2 })).status).toBe(201); // a stopped app takes nothing
    expect((await admin('POST', `/teams/${team}/apps/web/start`)).status).toBe(409);
    // The admin lowers the plan under what runs: scaling down is allowed, up is not.
    expect((await admin('PATCH', `/teams/${team}`, { quota: { pods: 1, cpu: '2', memory: '4Gi', builds: 1 } })).status).toBe(200);
    expect((await admin('PATCH', `/teams/${team}/apps/api`, { replicas: 1 })).status).toBe(200);
    expect((await admin('PATCH', `/teams/${team}/apps/api`, { replicas: 2 })).status).toBe(409);
  });

  it('a restricted team: labelled namespace, non-root pods, no builds, no capability but NET_BIND_SERVICE', async () => {
    const team = await makeTeam(p.url);
    expect((await admin('POST', `/teams/${team}/apps`, { name: 'site', git: { url: NOWHERE } })).status).toBe(201);
    const refused = await admin('PATCH', `/teams/${team}`, { podSecurity: 'restricted' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('site');
    expect((await admin('DELETE', `/teams/${team}/apps/site`)).status).toBe(202);

    expect((await admin('POST', `/teams/${team}/apps`, { name: 'web', image: 'nginx:1.27', port: 8080 })).status).toBe(201);
    const set = await admin('PATCH', `/teams/${team}`, { podSecurity: 'restricted' });
    expect(set.status).toBe(200);
    expect(set.body.podSecurity).toBe('restricted');
    await eventually('namespace enforces restricted', async () => ((await namespaceLabels(team))['pod-security.kubernetes.io/enforce'] === 'restricted' ? true : undefined));
    // Its existing apps are re-rendered to meet the level.
    await eventually('web runs as non-root', async () => {
      const d = await p.apps.readNamespacedDeployment({ name: 'web', namespace: `yb-${team}` });
      return d.spec?.template.spec?.securityContext?.runAsNonRoot === true ? d : undefined;
    });

    const git = await admin('POST', `/teams/${team}/apps`, { name: 'site', git: { url: NOWHERE } });
    expect(git.status).toBe(400);
    expect(git.body.errors[0]).toMatchObject({ field: 'git', message: expect.stringContaining('restricted') });
    const caps = await admin('POST', `/teams/${team}/apps`, { name: 'db', image: 'mysql:8.4', capabilities: ['NET_BIND_SERVICE', 'CHOWN'] });
    expect(caps.status).toBe(400);
    expect(caps.body.errors).toEqual([{ field: 'capabilities[0]', message: expect.stringContaining('only NET_BIND_SERVICE') }]);
    const low = await admin('PATCH', `/teams/${team}/apps/web`, { capabilities: ['NET_BIND_SERVICE'], port: 80 });
    expect(low.status).toBe(200);
    expect(low.body.capabilities).toEqual(['NET_BIND_SERVICE']);
    expect((await admin('PATCH', `/teams/${team}/apps/web`, { image: 'nginx:1.28', capabilities: ['SETUID'] })).status).toBe(400);
    expect((await admin('GET', `/teams/${team}/apps/web`)).body.image).toBe('nginx:1.27'); // nothing of the refused change was written
  });

  it('capabilities: only those the baseline standard allows, named plainly; the pod drops every other one', async () => {
    const team = await makeTeam(p.url);
    const g = gql(p.url, ADMIN);
    const sysAdmin = await g(`mutation($t: String!) { createApp(input: { team: $t, name: "x", image: "busybox", capabilities: ["SYS_ADMIN"] }) { app { name } } }`, { t: team });
    expect(codeOf(sysAdmin)).toBe('BAD_USER_INPUT');
    expect(sysAdmin.errors![0]!.message).toContain('capabilities[0]');
    // Named as Kubernetes names them: no CAP_ prefix, upper case.
    const lower = await admin('POST', `/teams/${team}/apps`, { name: 'db', image: 'mysql:8.4', capabilities: ['chown'] });
    expect(lower.status).toBe(400);
    expect(lower.body.errors[0].field).toBe('capabilities[0]');
    const made = await admin('POST', `/teams/${team}/apps`, { name: 'db', image: 'mysql:8.4', capabilities: ['SETUID', 'CHOWN'] });
    expect(made.status).toBe(201);
    expect(made.body.capabilities).toEqual(['CHOWN', 'SETUID']);
    await eventually('the pod drops all but those', async () => {
      const d = await p.apps.readNamespacedDeployment({ name: 'db', namespace: `yb-${team}` }).catch(() => undefined);
      const c = d?.spec?.template.spec?.containers[0]?.securityContext?.capabilities;
      return c && JSON.stringify(c) === JSON.stringify({ add: ['CHOWN', 'SETUID'], drop: ['ALL'] }) ? c : undefined;
    });
  });
});
