import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, gql, rest } from './helpers/clients.js';
import { makeTeam, makeToken } from './helpers/fixtures.js';
import { snapshotCounts } from './helpers/db.js';
import { ADMIN, startTestPlatform, type TestPlatform } from './helpers/platform.js';

// Tenancy at the API: a team token sees and changes only its team, and cannot even learn
// whether another team or its apps exist (404, exactly as for a name that does not exist).
describe('team isolation and roles', () => {
  let t: TestPlatform;
  let a: string, b: string;
  let aOwner: string, aViewer: string, aDev: string;
  beforeAll(async () => {
    t = await startTestPlatform();
    a = await makeTeam(t.url);
    b = await makeTeam(t.url);
    await rest(t.url, ADMIN)('POST', `/teams/${b}/apps`, { name: 'secret-app', image: 'nginx' });
    aOwner = await makeToken(t.url, a, 'owner');
    aDev = await makeToken(t.url, a, 'developer');
    aViewer = await makeToken(t.url, a, 'viewer');
  });
  afterAll(async () => { await t?.close(); });

  it("team A's token cannot read, change or discover team B's apps (REST)", async () => {
    const r = rest(t.url, aOwner);
    const before = await snapshotCounts(t.databaseUrl);
    const probes: [string, string, unknown?][] = [
      ['GET', `/teams/${b}`], ['GET', `/teams/${b}/apps`], ['GET', `/teams/${b}/apps/secret-app`],
      ['PATCH', `/teams/${b}/apps/secret-app`, { replicas: 5 }], ['DELETE', `/teams/${b}/apps/secret-app`],
      ['POST', `/teams/${b}/apps/secret-app/stop`], ['GET', `/teams/${b}/apps/secret-app/releases`],
      ['POST', `/teams/${b}/apps`, { name: 'intruder', image: 'nginx' }], ['GET', `/teams/${b}/events`],
      ['GET', `/tokens?team=${b}`],
    ];
    for (const [method, path, body] of probes) {
      const existing = await r(method, path, body);
      const missing = await r(method, path.replace('secret-app', 'no-such-app').replace(b, 'no-such-team'), body);
      expect([method, path, existing.status]).toEqual([method, path, 404]);
      expect(existing.body.detail.replace(b, 'X').replace('secret-app', 'Y'))
        .toBe(missing.body.detail.replace('no-such-team', 'X').replace('no-such-app', 'Y'));
    }
    expect(await snapshotCounts(t.databaseUrl)).toEqual(before);
    expect((await r('GET', '/teams')).body.map((x: { name: string }) => x.name)).toEqual([a]);
  });

  it("team A's token cannot read or change team B's apps (GraphQL)", async () => {
    const g = gql(t.url, aOwner);
    expect(codeOf(await g(`{ app(team: "${b}", name: "secret-app") { name } }`))).toBe('NOT_FOUND');
    expect(codeOf(await g(`{ apps(team: "${b}") { name } }`))).toBe('NOT_FOUND');
    expect(codeOf(await g(`mutation { stopApp(team: "${b}", name: "secret-app") { app { name } } }`))).toBe('NOT_FOUND');
    expect(codeOf(await g(`mutation { createTeam(input: { name: "mine" }) { team { name } } }`))).toBe('FORBIDDEN');
    const app = await rest(t.url, ADMIN)('GET', `/teams/${b}/apps/secret-app`);
    expect(app.body).toMatchObject({ running: true, generation: 1 });
  });

  it('a viewer can read but not mutate; a developer can mutate apps but not tokens', async () => {
    const v = rest(t.url, aViewer);
    expect((await v('GET', `/teams/${a}/apps`)).status).toBe(200);
    const refused = await v('POST', `/teams/${a}/apps`, { name: 'x', image: 'nginx' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    expect(codeOf(await gql(t.url, aViewer)(`mutation { createApp(input: { team: "${a}", name: "x", image: "nginx" }) { app { name } } }`))).toBe('FORBIDDEN');
    const d = rest(t.url, aDev);
    expect((await d('POST', `/teams/${a}/apps`, { name: 'x', image: 'nginx' })).status).toBe(201);
    expect((await d('POST', `/teams/${a}/apps/x/stop`)).status).toBe(202);
    expect((await d('GET', `/tokens?team=${a}`)).status).toBe(403);
    expect((await d('DELETE', `/teams/${a}`)).status).toBe(403);
  });

  it('records refused attempts in the audit trail of the team they targeted', async () => {
    await rest(t.url, aViewer)('POST', `/teams/${a}/apps`, { name: 'y', image: 'nginx' });
    const events = await rest(t.url, ADMIN)('GET', `/teams/${a}/events?limit=1`);
    expect(events.body[0]).toMatchObject({ action: 'app.create', outcome: 'failure', subject: 'app/y' });
    expect(events.body[0].actor).toMatch(/^token:viewer-token/);
    expect(events.body[0].message).toMatch(/^FORBIDDEN/);
  });
});
