import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { snapshotCounts } from './helpers/db.js';
import { ADMIN, startTestPlatform, type TestPlatform } from './helpers/platform.js';

/**
 * An update that gives every field the value it already has changes nothing: no new generation,
 * no release, no job, no rollout. Objects come back from jsonb with their keys reordered, so this
 * needs a real deep equality (it once compared JSON text).
 */
describe('an update that changes nothing is a no-op, field by field', () => {
  let t: TestPlatform;
  let team: string;
  let admin: ReturnType<typeof rest>;
  beforeAll(async () => {
    t = await startTestPlatform();
    admin = rest(t.url, ADMIN);
    team = await makeTeam(t.url);
    const image = await admin('POST', `/teams/${team}/apps`, {
      name: 'web', image: 'nginx:1.27', port: 8080, replicas: 2, env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
      domains: ['b.noop.example.com', 'a.noop.example.com'], healthCheckPath: '/healthz', tls: true,
      // requests before limits, memory before cpu: jsonb stores them the other way round
      resources: { requests: { memory: '128Mi', cpu: '100m' }, limits: { memory: '256Mi', cpu: '1' } },
    });
    expect(image.status).toBe(201);
    const git = await admin('POST', `/teams/${team}/apps`, { name: 'api', git: { url: 'http://127.0.0.1:1/org/api.git', branch: 'main', subdir: 'svc' }, buildMode: 'DOCKERFILE', dockerfilePath: 'build/Dockerfile' });
    expect(git.status).toBe(201);
  });
  afterAll(async () => { await t?.close(); });

  const same: [string, string, Record<string, unknown>][] = [
    ['image', 'web', { image: 'nginx:1.27' }],
    ['port', 'web', { port: 8080 }],
    ['replicas', 'web', { replicas: 2 }],
    ['env', 'web', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }],
    ['domains', 'web', { domains: ['b.noop.example.com', 'a.noop.example.com'] }],
    ['resources, keys in the order given at create', 'web', { resources: { requests: { memory: '128Mi', cpu: '100m' }, limits: { memory: '256Mi', cpu: '1' } } }],
    ['resources, keys in another order', 'web', { resources: { limits: { cpu: '1', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } } }],
    ['healthCheckPath', 'web', { healthCheckPath: '/healthz' }],
    ['tls', 'web', { tls: true }],
    ['every field at once', 'web', { image: 'nginx:1.27', port: 8080, replicas: 2, tls: true, healthCheckPath: '/healthz', resources: { limits: { memory: '256Mi', cpu: '1' }, requests: { cpu: '100m', memory: '128Mi' } } }],
    ['git', 'api', { git: { subdir: 'svc', branch: 'main', url: 'http://127.0.0.1:1/org/api.git' } }],
    ['buildMode', 'api', { buildMode: 'DOCKERFILE' }],
    ['dockerfilePath', 'api', { dockerfilePath: 'build/Dockerfile' }],
  ];

  for (const [what, app, patch] of same) {
    it(`${what}: same generation, no release, no job`, async () => {
      const before = await snapshotCounts(t.databaseUrl);
      const was = (await admin('GET', `/teams/${team}/apps/${app}`)).body;
      const r = await admin('PATCH', `/teams/${team}/apps/${app}`, patch);
      expect(r.status).toBe(200);
      expect(r.body.generation).toBe(was.generation);
      expect(r.body.currentRelease).toBe(was.currentRelease);
      expect(await snapshotCounts(t.databaseUrl)).toEqual(before);
    });
  }

  it('through GraphQL too', async () => {
    const before = await snapshotCounts(t.databaseUrl);
    const r = await gql(t.url, ADMIN)(`mutation($t: String!) { updateApp(input: { team: $t, name: "web",
      resources: { limits: { cpu: "1", memory: "256Mi" }, requests: { cpu: "100m", memory: "128Mi" } } }) { app { generation } } }`, { t: team });
    expect(r.errors).toBeUndefined();
    expect(r.data.updateApp.app.generation).toBe(1);
    expect(await snapshotCounts(t.databaseUrl)).toEqual(before);
  });

  it('while a real change still bumps the generation and records a release', async () => {
    const r = await admin('PATCH', `/teams/${team}/apps/web`, { resources: { requests: { memory: '128Mi', cpu: '200m' }, limits: { memory: '256Mi', cpu: '1' } } });
    expect(r.body.generation).toBe(2);
    expect(r.body.currentRelease).toBe(2);
  });
});
