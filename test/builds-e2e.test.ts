import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { eventually, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { startGitServer, type GitServer } from './helpers/git-server.js';
import { githubPush } from './helpers/hooks.js';
import { simulatedCluster } from './helpers/node-env.js';
import { ADMIN } from './helpers/platform.js';

// From a git push to a running release on the local stack: a real git server on loopback, the
// webhook, the detect pod (the simulated node runs the real clone and detector), the Kaniko pod
// (simulated: it checks the Dockerfile and reports a digest), the release, the rollout. On the
// simulated cluster by name: this is the pipeline's control (superseding, dedupe, rollback, logs),
// and a real build costs 30-60 s of the machine's 2 cores; real-node-builds.test.ts builds for real.
describe('builds: git push → detect → build → release → rollout', () => {
  let p: FullPlatform;
  let gitServer: GitServer;
  let admin: ReturnType<typeof rest>;
  beforeAll(async () => {
    p = await startFullPlatform({ YUNBANG_REGISTRY: 'registry.test:5000' }, { cluster: simulatedCluster() });
    admin = rest(p.url, ADMIN);
    gitServer = await startGitServer({ realNode: null });
  });
  afterAll(async () => { await p?.close(); await gitServer?.close(); });

  it('a push of the commit a build is still resolving does not build it a second time', async () => {
    // A slow git host keeps build #1 (of the branch, from the create) detecting while the push of
    // the same commit arrives: before, both built it and two releases followed.
    const slow = await startGitServer({ delayMs: 1500, realNode: null });
    try {
      const team = await makeTeam(p.url);
      const repo = slow.repo(`once-${team}`);
      repo.write({ 'index.html': '<h1>once</h1>' });
      const head = repo.commit('only');
      repo.push();
      await admin('POST', `/teams/${team}/apps`, { name: 'once', git: { url: slow.url(`once-${team}`), branch: 'main' }, port: 8080 });
      const list = async () => (await admin('GET', `/teams/${team}/apps/once/builds`)).body as { id: string; number: number; status: string; commit: string | null; failureReason: string | null }[];
      await eventually('build #1 detecting', async () => (await list())[0]?.status === 'detecting', 10_000);
      const { secret, webhookUrl } = (await admin('POST', `/teams/${team}/apps/once/webhook-secret`)).body;
      const hook = await githubPush(webhookUrl, secret, { commit: head });
      expect(hook.status).toBe(202); // the commit is not known yet: a build is queued
      const done = await eventually('both builds ended', async () => {
        const all = await list();
        return all.length === 2 && all.every((b) => ['succeeded', 'failed', 'superseded', 'cancelled'].includes(b.status)) && all;
      }, 45_000);
      expect(done.map((b) => [b.number, b.status, b.commit])).toEqual([[2, 'superseded', head], [1, 'succeeded', head]]);
      expect(done[0]!.failureReason).toBe('the same commit as build #1, which builds it');
      const releases = (await admin('GET', `/teams/${team}/apps/once/releases`)).body;
      expect(releases).toHaveLength(1);
    } finally {
      await slow.close();
    }
  }, 90_000);

  const build = (id: string) => eventually(`build ${id} finished`, async () => {
    const b = (await admin('GET', `/builds/${id}`)).body;
    if (['succeeded', 'failed', 'cancelled'].includes(b.status)) return b;
    throw new Error(JSON.stringify({ status: b.status, reason: b.failureReason }));
  }, 30_000);
  const deployedImage = async (team: string) => (await p.apps.readNamespacedDeployment({ name: 'shop', namespace: `yb-${team}` })).spec?.template.spec?.containers[0]?.image;

  it('builds on create and on push, keeps the old release when a build fails, and rolls back', async () => {
    const team = await makeTeam(p.url);
    const repo = gitServer.repo(`shop-${team}`);
    repo.write({ 'package.json': JSON.stringify({ engines: { node: '22' }, scripts: { start: 'node index.js' } }), 'index.js': 'require("http").createServer((q, s) => s.end("v1")).listen(process.env.PORT)' });
    const first = repo.commit('first');
    repo.push();

    const created = await admin('POST', `/teams/${team}/apps`, { name: 'shop', git: { url: gitServer.url(`shop-${team}`), branch: 'main' }, replicas: 1 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ image: null, git: { branch: 'main', subdir: null }, buildMode: 'AUTO', status: { reason: 'Pending' } });
    expect(created.body.webhookUrl).toMatch(new RegExp(`/hooks/[A-Za-z0-9_-]{24}$`));

    // Build #1 from the create.
    const [b1] = (await admin('GET', `/teams/${team}/apps/shop/builds`)).body;
    const done1 = await build(b1.id);
    expect(done1).toMatchObject({ number: 1, status: 'succeeded', commit: first, author: 'Ada <ada@example.com>', message: 'first', trigger: 'create' });
    expect(done1.plan).toMatchObject({ language: 'node', version: '22', versionSource: 'package.json engines.node', startCommand: 'npm start', evidence: ['package.json'] });
    expect(done1.image).toMatch(new RegExp(`^registry.test:5000/${team}/shop@sha256:[0-9a-f]{64}$`));
    await eventually('release 1 running', async () => (await admin('GET', `/teams/${team}/apps/shop`)).body.status.health === 'Ready' && (await deployedImage(team)) === done1.image);
    const logs = (await admin('GET', `/builds/${b1.id}/logs`)).body.map((l: { line: string }) => l.line);
    expect(logs).toContain('detected node from package.json');
    expect(logs.some((l: string) => l.includes('Pushed registry.test:5000/'))).toBe(true);

    // A signed push to the tracked branch builds its head commit.
    const { secret, webhookUrl } = (await admin('POST', `/teams/${team}/apps/shop/webhook-secret`)).body;
    repo.write({ 'index.js': 'require("http").createServer((q, s) => s.end("v2")).listen(process.env.PORT)' });
    const second = repo.commit('second');
    repo.push();
    const delivery = 'delivery-2';
    const hook = await githubPush(webhookUrl, secret, { commit: second, message: 'second' }, { delivery });
    expect(hook.status).toBe(202);
    const done2 = await build(hook.body.build.id);
    expect(done2).toMatchObject({ number: 2, status: 'succeeded', commit: second, trigger: 'webhook', createdBy: 'webhook:github' });
    await eventually('release 2 running', async () => (await deployedImage(team)) === done2.image);
    // A replayed delivery and the same commit again build nothing.
    expect((await githubPush(webhookUrl, secret, { commit: second }, { delivery })).body).toMatchObject({ duplicate: 'delivery already received' });
    expect((await githubPush(webhookUrl, secret, { commit: second })).body.duplicate).toMatch(/already built as build #2/);

    // A failing build keeps release 2 running.
    repo.write({ 'package.json': null, 'index.js': null, 'README.md': 'nothing to build here' });
    const third = repo.commit('break it');
    repo.push();
    const failed = await build((await githubPush(webhookUrl, secret, { commit: third })).body.build.id);
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toMatch(/^detection failed: no recognisable project: looked for Dockerfile, package.json/);
    const app = (await admin('GET', `/teams/${team}/apps/shop`)).body;
    expect(app.image).toBe(done2.image);
    expect(await deployedImage(team)).toBe(done2.image);

    // Roll back to release 1: a new release with its image, rolled out.
    const releases = (await admin('GET', `/teams/${team}/apps/shop/releases`)).body;
    expect(releases.map((r: { number: number; buildId: string }) => [r.number, r.buildId])).toEqual([[2, done2.id], [1, done1.id]]);
    const rolled = await admin('POST', `/teams/${team}/apps/shop/rollback`, { release: 1 });
    expect(rolled.status).toBe(202);
    expect(rolled.body).toMatchObject({ image: done1.image, currentRelease: 3 });
    await eventually('release 1 image running again', async () => (await deployedImage(team)) === done1.image);
    const r3 = (await admin('GET', `/teams/${team}/apps/shop/releases`)).body[0];
    expect(r3).toMatchObject({ number: 3, image: done1.image, rollbackOf: 1, buildId: done1.id, description: 'rollback to release 1' });
  }, 90_000);

  it('GraphQL: detectSource previews, triggerBuild builds, buildLogs replays the log, appLogs reads every replica', async () => {
    const team = await makeTeam(p.url);
    const g = gql(p.url, ADMIN);
    const repo = gitServer.repo(`api-${team}`);
    repo.write({ 'go.mod': 'module api\ngo 1.22\n', 'cmd/api/main.go': 'package main', 'Procfile': 'web: /app/app --port $PORT\n' });
    repo.commit('go api');
    repo.push();
    const url = gitServer.url(`api-${team}`);
    // The API clones previews itself, from the host (a real node's pods reach the server at another address).
    const hostUrl = gitServer.hostUrl(`api-${team}`);

    const preview = await g(`query($t: String!, $u: String!) { detectSource(team: $t, url: $u, ref: "main") { language version versionSource evidence startCommand } }`, { t: team, u: hostUrl });
    expect(preview.data.detectSource).toEqual({ language: 'go', version: '1.22', versionSource: 'go.mod go', evidence: ['Procfile', 'go.mod', 'cmd/api'], startCommand: '/app/app --port $PORT' });
    const missing = await g(`query($t: String!, $u: String!) { detectSource(team: $t, url: $u, ref: "nope") { language } }`, { t: team, u: hostUrl });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'ref', message: `${hostUrl} has no branch or tag nope` }] });
    expect((await rest(p.url, ADMIN)('POST', `/teams/${team}/detect`, { url: hostUrl, ref: 'main' })).body.language).toBe('go');

    const created = await g(`mutation($i: CreateAppInput!) { createApp(input: $i) { app { name image git { url branch } buildMode webhookUrl } } }`,
      { i: { team, name: 'api', git: { url }, buildMode: 'SOURCE', replicas: 2 } });
    expect(created.data.createApp.app).toMatchObject({ name: 'api', image: null, git: { url, branch: 'main' }, buildMode: 'SOURCE' });
    const first = await eventually('first build done', async () => {
      const b = (await g(`query($t: String!) { builds(team: $t, app: "api") { id number status } }`, { t: team })).data.builds[0];
      return b.status === 'succeeded' && b;
    }, 30_000);
    const again = await g(`mutation($t: String!) { triggerBuild(team: $t, app: "api") { build { id number status trigger } } }`, { t: team });
    expect(again.data.triggerBuild.build).toMatchObject({ number: 2, status: 'queued', trigger: 'manual' });
    await eventually('second build done', async () => (await g(`query($id: ID!) { build(id: $id) { status } }`, { id: again.data.triggerBuild.build.id })).data.build.status === 'succeeded', 30_000);

    // The log of a finished build, from the subscription (server-sent events), then the stream ends.
    const res = await fetch(`${p.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ query: `subscription { buildLogs(buildId: "${first.id}") { seq line } }` }),
    });
    const text = await res.text(); // completes: the build has ended
    const lines = text.split('\n').filter((l) => l.startsWith('data:') && l.includes('buildLogs')).map((l) => JSON.parse(l.slice(5)).data.buildLogs.line);
    expect(lines[0]).toBe('detected go from Procfile, go.mod, cmd/api');
    expect(lines.some((l: string) => l.includes('(simulated Kaniko) building /workspace/Dockerfile.yunbang'))).toBe(true);

    // The second build's rollout over: exactly two pods, both ready.
    const pods = async () => (await p.core.listNamespacedPod({ namespace: `yb-${team}`, labelSelector: 'yunbang.dev/app=api,!yunbang.dev/role' })).items;
    await eventually('release 2 rolled out', async () => {
      const a = (await rest(p.url, ADMIN)('GET', `/teams/${team}/apps/api`)).body;
      // Pods of the old release keep serving through their grace period: count the live ones.
      const live = (await pods()).filter((x) => !x.metadata?.deletionTimestamp);
      return a.currentRelease === 2 && a.status.observedGeneration === a.generation && a.status.health === 'Ready' && a.status.readyReplicas === 2 && live.length === 2;
    });
    // Logs of every pod that runs, those of the old release still shutting down included (as kubectl logs).
    const logs = await g(`query($t: String!) { appLogs(team: $t, app: "api", tail: 10) { pod line } }`, { t: team });
    expect(logs.errors).toBeUndefined();
    const live = (await pods()).filter((x) => !x.metadata?.deletionTimestamp).map((x) => x.metadata!.name!);
    const logged = new Set(logs.data.appLogs.map((l: { pod: string }) => l.pod));
    for (const name of live) expect(logged.has(name)).toBe(true);
    expect(logs.data.appLogs[0].line).toMatch(/^simulated container app started from registry.test:5000\//);
    expect(((await rest(p.url, ADMIN)('GET', `/teams/${team}/apps/api/logs?tail=5`)).body as unknown[]).length).toBeGreaterThanOrEqual(2);
  }, 90_000);
});
