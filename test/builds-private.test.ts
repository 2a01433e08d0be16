import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { eventually, notFound, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { startGitServer, type GitServer } from './helpers/git-server.js';
import { simulatedCluster } from './helpers/node-env.js';
import { ADMIN } from './helpers/platform.js';

// A private repository: the token is sealed in Postgres, put into a basic-auth Secret in the team's
// namespace by the worker, and reaches the clone only through a secretKeyRef. It never comes back
// out of the API, and deleting the app removes the Secret. On the simulated cluster by name: its
// clone pods run the real git clone with the Secret's token, and answer in a second where a real
// build takes 30-60 s (real-node-builds.test.ts builds for real).
describe('builds from a private repository', () => {
  const TOKEN = 'glpat-very-secret-token-value';
  let p: FullPlatform;
  let git: GitServer;
  let admin: ReturnType<typeof rest>;
  beforeAll(async () => {
    p = await startFullPlatform({}, { cluster: simulatedCluster() });
    admin = rest(p.url, ADMIN);
    git = await startGitServer({ auth: { username: 'deploy', password: TOKEN }, realNode: null });
  });
  afterAll(async () => { await p?.close(); await git?.close(); });

  const latestBuild = (team: string, app: string) => eventually(`a finished build of ${app}`, async () => {
    const b = (await admin('GET', `/teams/${team}/apps/${app}/builds`)).body[0];
    return ['succeeded', 'failed'].includes(b?.status) && b;
  }, 30_000);

  it('clones with the stored token, never shows it, and fails clearly without it', async () => {
    const team = await makeTeam(p.url);
    const repo = git.repo(`private-${team}`);
    repo.write({ 'index.html': '<h1>private</h1>' });
    repo.commit('init');
    repo.push();
    const url = git.url(`private-${team}`);

    // Without credentials the clone is refused, and the build says so.
    await admin('POST', `/teams/${team}/apps`, { name: 'open', git: { url } });
    const refused = await latestBuild(team, 'open');
    expect(refused.status).toBe('failed');
    expect(refused.failureReason).toMatch(/^detection failed: cloning the source failed: .*(Authentication failed|could not read Username)/);

    const created = await admin('POST', `/teams/${team}/apps`, { name: 'site', git: { url }, gitCredentials: { username: 'deploy', token: TOKEN } });
    expect(created.status).toBe(201);
    expect(created.body.git).toEqual({ url, branch: 'main', subdir: null, hasCredentials: true, knownHosts: null, trustOnFirstUse: false, learnedHostKeys: null });
    expect(JSON.stringify(created.body)).not.toContain(TOKEN);
    const built = await latestBuild(team, 'site');
    expect(built).toMatchObject({ status: 'succeeded', plan: { language: 'static' } });

    const secret = await p.core.readNamespacedSecret({ name: 'site-git-credentials', namespace: `yb-${team}` });
    expect(secret.type).toBe('kubernetes.io/basic-auth');
    expect(Buffer.from(secret.data!.password!, 'base64').toString()).toBe(TOKEN);

    // Nowhere else: not in the API's answers, the audit trail, the build or its logs, nor in Postgres in clear.
    const g = await gql(p.url, ADMIN)(`query($t: String!) { app(team: $t, name: "site") { git { hasCredentials } } events(team: $t) { action message } }`, { t: team });
    expect(g.data.app.git.hasCredentials).toBe(true);
    const logs = (await admin('GET', `/builds/${built.id}/logs`)).body;
    const everything = JSON.stringify([g, built, logs, (await admin('GET', `/teams/${team}/apps/site`)).body]);
    expect(everything).not.toContain(TOKEN);
    const pg = await import('pg');
    const db = new pg.default.Client({ connectionString: p.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM apps WHERE git_credentials LIKE '%' || $1 || '%' OR source::text LIKE '%' || $1 || '%'`, [TOKEN]);
      expect(rows[0].n).toBe(0);
    } finally { await db.end(); }

    // Removing the credentials removes the Secret at the next build; deleting the app removes it too.
    const cleared = await admin('PATCH', `/teams/${team}/apps/site`, { gitCredentials: null });
    expect(cleared.body.git.hasCredentials).toBe(false);
    await admin('POST', `/teams/${team}/apps/site/builds`, {});
    await eventually('credentials Secret removed', () => notFound(p.core.readNamespacedSecret({ name: 'site-git-credentials', namespace: `yb-${team}` })), 30_000);
    expect((await latestBuild(team, 'site')).status).toBe('failed');

    await admin('PATCH', `/teams/${team}/apps/open`, { gitCredentials: { username: 'deploy', token: TOKEN } });
    await admin('POST', `/teams/${team}/apps/open/builds`, {});
    await eventually('open built with credentials', async () => (await admin('GET', `/teams/${team}/apps/open/builds`)).body[0].status === 'succeeded', 30_000);
    await admin('DELETE', `/teams/${team}/apps/open`);
    await eventually('credentials Secret removed with the app', () => notFound(p.core.readNamespacedSecret({ name: 'open-git-credentials', namespace: `yb-${team}` })));
  }, 120_000);

  it('refuses bad credentials before anything is written', async () => {
    const team = await makeTeam(p.url);
    const url = git.url('whatever');
    const both = await admin('POST', `/teams/${team}/apps`, { name: 'a', git: { url }, gitCredentials: { token: 'x', sshPrivateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nx' } });
    expect(both.status).toBe(400);
    const badKey = await admin('POST', `/teams/${team}/apps`, { name: 'a', git: { url }, gitCredentials: { sshPrivateKey: 'not a key' } });
    expect(badKey.status).toBe(400);
    expect(badKey.body.errors[0].field).toMatch(/^gitCredentials/);
    const imageApp = await admin('POST', `/teams/${team}/apps`, { name: 'a', image: 'nginx:1.27', gitCredentials: { token: 'x' } });
    expect(imageApp.status).toBe(400);
    expect((await admin('GET', `/teams/${team}/apps`)).body).toEqual([]);
  });
});
