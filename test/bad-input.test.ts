import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { snapshotCounts } from './helpers/db.js';
import { ADMIN, startTestPlatform, type TestPlatform } from './helpers/platform.js';

const good = { name: 'web', image: 'nginx:1.27', port: 8080, replicas: 1 };

// [case, body override, field the error must name]
const badApps: [string, Record<string, unknown>, string][] = [
  ['upper-case name', { name: 'Web' }, 'name'],
  ['name starting with a digit', { name: '1web' }, 'name'],
  ['name too long', { name: 'a'.repeat(64) }, 'name'],
  ['image with spaces', { image: 'not an image' }, 'image'],
  ['image with upper-case path', { image: 'Nginx:latest' }, 'image'],
  ['port 0', { port: 0 }, 'port'],
  ['port 70000', { port: 70000 }, 'port'],
  ['negative replicas', { replicas: -1 }, 'replicas'],
  ['env name with a dash', { env: [{ name: 'MY-VAR', value: 'x' }] }, 'env[0].name'],
  ['env name starting with a digit', { env: [{ name: '1X', value: 'x' }] }, 'env[0].name'],
  ['reserved PORT', { env: [{ name: 'PORT', value: '1' }] }, 'env[0].name'],
  ['duplicate env', { env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }, 'env[1].name'],
  ['domain with underscore', { domains: ['bad_host.example.com'] }, 'domains[0]'],
  ['domain that is an IP', { domains: ['10.0.0.1'] }, 'domains[0]'],
  ['single-label domain', { domains: ['localhost'] }, 'domains[0]'],
  ['domain injecting nginx syntax', { domains: ['a.com; } server {'] }, 'domains[0]'],
  ['domain under the apps domain (reserved for default domains)', { domains: ['shop.localhost'] }, 'domains[0]'],
  ["another app's default domain", { domains: ['ok.example.com', 'api-someteam.localhost'] }, 'domains[1]'],
  ['cpu that is not a quantity', { resources: { limits: { cpu: 'lots' } } }, 'resources.limits.cpu'],
  ['a limit that is not a quantity beside a request', { resources: { requests: { cpu: '1' }, limits: { cpu: 'lots' } } }, 'resources.limits.cpu'],
  ['a volume size that is not a quantity', { volumes: [{ name: 'data', mountPath: '/data', size: 'big' }] }, 'volumes[0].size'],
  ['relative health check path', { healthCheckPath: 'healthz' }, 'healthCheckPath'],
  ['memory request above limit', { resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } }, 'resources.requests.memory'],
];

describe('bad input is refused with the field named, and nothing is written', () => {
  let t: TestPlatform;
  let team: string;
  beforeAll(async () => { t = await startTestPlatform(); team = await makeTeam(t.url); });
  afterAll(async () => { await t?.close(); });

  for (const [what, override, field] of badApps) {
    it(`${what}: REST 400 and GraphQL BAD_USER_INPUT`, async () => {
      const before = await snapshotCounts(t.databaseUrl);
      const r = await rest(t.url, ADMIN)('POST', `/teams/${team}/apps`, { ...good, ...override });
      expect(r.status).toBe(400);
      expect(r.contentType).toContain('application/problem+json');
      expect(r.body.code).toBe('BAD_USER_INPUT');
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      const g = await gql(t.url, ADMIN)(`mutation($i: CreateAppInput!) { createApp(input: $i) { app { name } } }`, { i: { team, ...good, ...override } });
      expect(g.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(g.errors?.[0]?.extensions?.fields?.map((e) => e.field)).toContain(field);
      expect(await snapshotCounts(t.databaseUrl)).toEqual(before);
    });
  }

  it('bad team names are refused before anything is written', async () => {
    const before = await snapshotCounts(t.databaseUrl);
    for (const name of ['Acme', '-acme', 'acme_corp', 'a'.repeat(61), '']) {
      const r = await rest(t.url, ADMIN)('POST', '/teams', { name });
      expect([name, r.status]).toEqual([name, 400]);
      expect(r.body.errors[0].field).toBe('name');
      const g = await gql(t.url, ADMIN)(`mutation($n: String!) { createTeam(input: { name: $n }) { team { name } } }`, { n: name });
      expect(g.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await snapshotCounts(t.databaseUrl)).toEqual(before);
  });

  it('an invalid update changes nothing', async () => {
    await rest(t.url, ADMIN)('POST', `/teams/${team}/apps`, { name: 'keep', image: 'nginx:1' });
    const before = await snapshotCounts(t.databaseUrl);
    const r = await rest(t.url, ADMIN)('PATCH', `/teams/${team}/apps/keep`, { image: 'nginx:2', replicas: 1000 });
    expect(r.status).toBe(400);
    const app = await rest(t.url, ADMIN)('GET', `/teams/${team}/apps/keep`);
    expect(app.body).toMatchObject({ image: 'nginx:1', generation: 1 });
    expect(await snapshotCounts(t.databaseUrl)).toEqual(before);
  });

  it('unknown fields, wrong types, malformed JSON and oversized bodies', async () => {
    const admin = rest(t.url, ADMIN);
    const before = await snapshotCounts(t.databaseUrl);
    expect((await admin('POST', `/teams/${team}/apps`, { ...good, sneaky: true })).status).toBe(400);
    expect((await admin('POST', `/teams/${team}/apps`, { ...good, port: '80' })).status).toBe(400);
    const malformed = await admin('POST', `/teams/${team}/apps`, '{"name": "web",');
    expect(malformed.status).toBe(400);
    expect(malformed.contentType).toContain('application/problem+json');
    const huge = await admin('POST', `/teams/${team}/apps`, { ...good, env: [{ name: 'BIG', value: 'x'.repeat(100_000) }] });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');
    const hugeGql = await fetch(`${t.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ query: `{ teams { name } }`, variables: { pad: 'x'.repeat(100_000) } }),
    });
    expect(hugeGql.status).toBe(413);
    expect((await admin('GET', `/teams/${team}/events?limit=0`)).status).toBe(400);
    expect(await snapshotCounts(t.databaseUrl)).toEqual(before);
  });

  it('a domain another app has is refused as a conflict on that field, on create and on update', async () => {
    const admin = rest(t.url, ADMIN);
    const host = `taken-${Date.now()}.example.com`;
    expect((await admin('POST', `/teams/${team}/apps`, { name: 'owner', image: 'nginx:1', domains: [host] })).status).toBe(201);
    const other = await makeTeam(t.url);
    const before = await snapshotCounts(t.databaseUrl);
    const r = await admin('POST', `/teams/${other}/apps`, { ...good, domains: ['free.example.com', host] });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'CONFLICT', errors: [{ field: 'domains[1]', message: `${host} is already routed to another app` }] });
    const g = await gql(t.url, ADMIN)(`mutation($i: CreateAppInput!) { createApp(input: $i) { app { name } } }`, { i: { team: other, ...good, domains: [host] } });
    expect(g.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', fields: [{ field: 'domains[0]' }] });
    expect(await snapshotCounts(t.databaseUrl)).toEqual(before);

    expect((await admin('POST', `/teams/${other}/apps`, good)).status).toBe(201);
    const mid = await snapshotCounts(t.databaseUrl);
    const u = await admin('PATCH', `/teams/${other}/apps/web`, { domains: [host] });
    expect(u.status).toBe(409);
    expect(u.body.errors[0].field).toBe('domains[0]');
    expect((await admin('GET', `/teams/${other}/apps/web`)).body).toMatchObject({ domains: [], generation: 1 });
    expect(await snapshotCounts(t.databaseUrl)).toEqual(mid);
  });

  it('two apps whose names give the same default domain: the second is refused on its name', async () => {
    // App "a-b" of team "c-<n>" and app "a" of team "b-c-<n>" would both be a-b-c-<n>.localhost.
    const n = Date.now().toString(36);
    const admin = rest(t.url, ADMIN);
    const t1 = await makeTeam(t.url, `c-${n}`);
    const t2 = await makeTeam(t.url, `b-c-${n}`);
    const first = await admin('POST', `/teams/${t1}/apps`, { name: 'a-b', image: 'nginx:1' });
    expect(first.body.defaultDomain).toBe(`a-b-c-${n}.localhost`);
    const before = await snapshotCounts(t.databaseUrl);
    const second = await admin('POST', `/teams/${t2}/apps`, { name: 'a', image: 'nginx:1' });
    expect(second.status).toBe(409);
    expect(second.body.errors).toEqual([{ field: 'name', message: `gives the default domain a-b-c-${n}.localhost, which another app already has; choose another name` }]);
    expect(await snapshotCounts(t.databaseUrl)).toEqual(before);
    // Once the first is deleted, the name is free again.
    await admin('DELETE', `/teams/${t1}/apps/a-b`);
    expect((await admin('POST', `/teams/${t2}/apps`, { name: 'a', image: 'nginx:1' })).status).toBe(201);
  });

  it('numbers past what the database holds are refused, not a 500 (found by the REST fuzzer)', async () => {
    const admin = rest(t.url, ADMIN);
    await admin('POST', `/teams/${team}/apps`, { name: 'big', image: 'nginx:1' });
    const r = await admin('POST', `/teams/${team}/apps/big/rollback`, { release: 2 ** 53 });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].field).toBe('release');
    await admin('POST', `/teams/${team}/apps`, { name: 'git', git: { url: 'http://127.0.0.1:1/x.git' } });
    const [build] = (await admin('GET', `/teams/${team}/apps/git/builds`)).body;
    const logs = await admin('GET', `/builds/${build.id}/logs?after=${2 ** 53}`);
    expect(logs.status).toBe(400);
    expect(logs.body.errors[0].field).toBe('after');
  });

  it('a NUL character anywhere is refused as bad input, not a 500 (found by the GraphQL fuzzer)', async () => {
    const before = await snapshotCounts(t.databaseUrl);
    const g = await gql(t.url, ADMIN)(`mutation($t: String!, $a: String!) { rotateWebhookSecret(team: $t, app: $a) { secret } }`, { t: team, a: '\u0000' });
    expect(g.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'a' }] });
    const literal = await gql(t.url, ADMIN)(`{ app(team: "${team}", name: "we\\u0000b") { name } }`);
    expect(literal.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const r = await rest(t.url, ADMIN)('POST', `/teams/${team}/apps`, { ...good, name: 'nul', env: [{ name: 'A', value: 'x\u0000y' }] });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ field: 'env[0].value', message: 'must not contain the NUL character (U+0000)' }]);
    const hook = await fetch(`${t.url}/hooks/abc%00def`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'ping' }, body: '{}' });
    expect(hook.status).toBe(400);
    expect(await snapshotCounts(t.databaseUrl)).toEqual(before);
  });

  it('queries past the depth, alias and directive limits are refused with a code (found by the GraphQL fuzzer)', async () => {
    const g = gql(t.url, ADMIN);
    const deep = await g(`{ teams { name ${'apps { name '.repeat(9)}${'}'.repeat(9)} } }`);
    expect(deep.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(deep.errors?.[0]?.message).toMatch(/depth limit/);
    const aliases = await g(`{ ${Array.from({ length: 20 }, (_, i) => `a${i}: teams { name }`).join(' ')} }`);
    expect(aliases.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('unknown things are 404 on both APIs', async () => {
    expect((await rest(t.url, ADMIN)('GET', `/teams/${team}/apps/nope`)).status).toBe(404);
    expect((await rest(t.url, ADMIN)('GET', '/teams/nope')).status).toBe(404);
    expect((await rest(t.url, ADMIN)('DELETE', '/tokens/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await rest(t.url, ADMIN)('GET', '/no/such/route')).status).toBe(404);
    const g = await gql(t.url, ADMIN)(`mutation { revokeApiToken(id: "not-a-uuid") { token { id } } }`);
    expect(g.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
