import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, gql } from './helpers/clients.js';
import { makeTeam, makeToken, uniq } from './helpers/fixtures.js';
import { ADMIN, startTestPlatform, type TestPlatform } from './helpers/platform.js';

const APP_FIELDS = 'name team image port replicas env { name value } domains resources { requests { cpu memory } limits { cpu memory } } running generation currentRelease status { health reason message readyReplicas desiredReplicas observedGeneration endpoints updatedAt }';

describe('GraphQL API', () => {
  let t: TestPlatform;
  let admin: ReturnType<typeof gql>;
  beforeAll(async () => { t = await startTestPlatform(); admin = gql(t.url, ADMIN); });
  afterAll(async () => { await t?.close(); });

  it('creates and reads teams', async () => {
    const name = uniq('g');
    const r = await admin(`mutation($n: String!) { createTeam(input: { name: $n }) { team { name namespace } } }`, { n: name });
    expect(r.data.createTeam.team).toEqual({ name, namespace: `yb-${name}` });
    expect((await admin(`query($n: String!) { team(name: $n) { name } }`, { n: name })).data.team.name).toBe(name);
    expect((await admin(`{ teams { name } }`)).data.teams.map((x: { name: string }) => x.name)).toContain(name);
    const dup = await admin(`mutation($n: String!) { createTeam(input: { name: $n }) { team { name } } }`, { n: name });
    expect(codeOf(dup)).toBe('CONFLICT');
  });

  it('runs the life of an app: create, update, stop, start, restart, releases, delete', async () => {
    const team = await makeTeam(t.url);
    const created = await admin(`mutation($i: CreateAppInput!) { createApp(input: $i) { app { ${APP_FIELDS} } } }`, {
      i: { team, name: 'api', image: 'ghcr.io/acme/api:v1', port: 3000, replicas: 2, env: [{ name: 'A', value: '1' }], domains: ['api.acme.dev'], resources: { limits: { memory: '512Mi' } } },
    });
    expect(created.errors).toBeUndefined();
    expect(created.data.createApp.app).toMatchObject({
      name: 'api', team, image: 'ghcr.io/acme/api:v1', port: 3000, replicas: 2, env: [{ name: 'A', value: '1' }],
      domains: ['api.acme.dev'], resources: { requests: null, limits: { cpu: null, memory: '512Mi' } }, running: true,
      generation: 1, currentRelease: 1, status: { health: 'Progressing', desiredReplicas: 2 },
    });
    const updated = await admin(`mutation($i: UpdateAppInput!) { updateApp(input: $i) { app { image replicas generation currentRelease } } }`, {
      i: { team, name: 'api', image: 'ghcr.io/acme/api:v2', replicas: null },
    });
    expect(updated.data.updateApp.app).toEqual({ image: 'ghcr.io/acme/api:v2', replicas: 2, generation: 2, currentRelease: 2 });
    for (const [op, running] of [['stopApp', false], ['startApp', true], ['restartApp', true]] as const) {
      const r = await admin(`mutation($t: String!, $n: String!) { ${op}(team: $t, name: $n) { app { running } } }`, { t: team, n: 'api' });
      expect(r.data[op].app.running).toBe(running);
    }
    const rel = await admin(`query($t: String!) { releases(team: $t, app: "api") { number image createdBy config { port } } }`, { t: team });
    expect(rel.data.releases).toEqual([
      { number: 2, image: 'ghcr.io/acme/api:v2', createdBy: 'admin', config: { port: 3000 } },
      { number: 1, image: 'ghcr.io/acme/api:v1', createdBy: 'admin', config: { port: 3000 } },
    ]);
    expect((await admin(`query($t: String!) { apps(team: $t) { name generation } }`, { t: team })).data.apps).toEqual([{ name: 'api', generation: 5 }]);
    const del = await admin(`mutation($t: String!) { deleteApp(team: $t, name: "api") { app { name } } }`, { t: team });
    expect(del.data.deleteApp.app.name).toBe('api');
    const gone = await admin(`query($t: String!) { app(team: $t, name: "api") { name } }`, { t: team });
    expect(codeOf(gone)).toBe('NOT_FOUND');
    const ev = await admin(`query($t: String!) { events(team: $t, limit: 3) { action outcome actor } }`, { t: team });
    expect(ev.data.events.map((e: { action: string }) => e.action)).toEqual(['app.delete', 'app.restart', 'app.start']);
  });

  it('creates a token whose secret is shown once, and revokes it', async () => {
    const team = await makeTeam(t.url);
    const r = await admin(`mutation($t: String!) { createApiToken(input: { team: $t, role: "viewer", name: "dash" }) { secret token { id name role } } }`, { t: team });
    const { secret, token } = r.data.createApiToken;
    expect(token).toMatchObject({ name: 'dash', role: 'viewer' });
    const viewer = gql(t.url, secret);
    expect((await viewer(`query($t: String!) { apps(team: $t) { name } }`, { t: team })).data.apps).toEqual([]);
    const revoked = await admin(`mutation($id: ID!) { revokeApiToken(id: $id) { token { revokedAt } } }`, { id: token.id });
    expect(revoked.data.revokeApiToken.token.revokedAt).toBeTruthy();
    const refused = await viewer(`{ teams { name } }`);
    expect(refused.status).toBe(401);
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
  });

  it('refuses requests without a valid token', async () => {
    for (const token of [undefined, 'bogus']) {
      const r = await gql(t.url, token)(`{ teams { name } }`);
      expect(r.status).toBe(401);
      expect(codeOf(r)).toBe('UNAUTHENTICATED');
      expect(r.data ?? null).toBeNull();
    }
  });

  it('bounds query depth, aliases and size', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: teams { name }`).join(' ');
    const r1 = await admin(`{ ${aliases} }`);
    expect(r1.errors?.[0]?.message).toMatch(/alias/i);
    const big = `{ teams { ${Array.from({ length: 3000 }, () => 'name').join(' ')} } }`;
    const r2 = await admin(big);
    expect(r2.errors?.[0]?.message).toMatch(/token/i);
  });

  it('hides internals: an unknown field gets no suggestion and no stack', async () => {
    const r = await admin(`{ teamz { name } }`);
    expect(r.errors?.[0]?.message).not.toMatch(/Did you mean/);
    expect(JSON.stringify(r)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('gives errors raised before any resolver a code: validation, and variables of the wrong type', async () => {
    expect((await admin(`{ teamz { name } }`)).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const wrongType = await admin(`mutation($r: Int) { createApp(input: { team: "t", name: "a", image: "nginx", replicas: $r }) { app { name } } }`, { r: 'many' });
    expect(wrongType.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const missing = await admin(`query($t: String!) { apps(team: $t) { name } }`, {});
    expect(missing.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
