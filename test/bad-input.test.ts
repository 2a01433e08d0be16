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

  it('unknown things are 404 on both APIs', async () => {
    expect((await rest(t.url, ADMIN)('GET', `/teams/${team}/apps/nope`)).status).toBe(404);
    expect((await rest(t.url, ADMIN)('GET', '/teams/nope')).status).toBe(404);
    expect((await rest(t.url, ADMIN)('DELETE', '/tokens/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await rest(t.url, ADMIN)('GET', '/no/such/route')).status).toBe(404);
    const g = await gql(t.url, ADMIN)(`mutation { revokeApiToken(id: "not-a-uuid") { token { id } } }`);
    expect(g.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
