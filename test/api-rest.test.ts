import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { makeTeam, makeToken, uniq } from './helpers/fixtures.js';
import { ADMIN, startTestPlatform, type TestPlatform } from './helpers/platform.js';

// Every REST response here is also checked against openapi.yaml by the server (validateResponses).
describe('REST API', () => {
  let t: TestPlatform;
  let admin: ReturnType<typeof rest>;
  beforeAll(async () => { t = await startTestPlatform(); admin = rest(t.url, ADMIN); });
  afterAll(async () => { await t?.close(); });

  it('creates, gets, lists and deletes teams', async () => {
    const name = uniq('acme');
    const created = await admin('POST', '/teams', { name });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/teams/${name}`);
    expect(created.body).toMatchObject({ name, namespace: `yb-${name}` });
    expect((await admin('GET', `/teams/${name}`)).body.namespace).toBe(`yb-${name}`);
    expect((await admin('GET', '/teams')).body.map((x: { name: string }) => x.name)).toContain(name);
    expect((await admin('POST', '/teams', { name })).status).toBe(409);
    expect((await admin('DELETE', `/teams/${name}`)).status).toBe(202);
    expect((await admin('GET', `/teams/${name}`)).status).toBe(404);
  });

  it('runs the whole life of an image app and records releases and events', async () => {
    const team = await makeTeam(t.url);
    const base = `/teams/${team}/apps`;
    const created = await admin('POST', base, {
      name: 'web', image: 'nginx:1.27', port: 80, replicas: 2, env: [{ name: 'MODE', value: 'prod' }],
      domains: ['Web.Example.com'], resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '256Mi' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'web', team, image: 'nginx:1.27', port: 80, replicas: 2, running: true, generation: 1, currentRelease: 1,
      domains: ['web.example.com'], env: [{ name: 'MODE', value: 'prod' }],
      status: { health: 'Progressing', reason: 'Pending', desiredReplicas: 2, observedGeneration: 0 },
    });

    const scaled = await admin('PATCH', `${base}/web`, { replicas: 3 });
    expect(scaled.status).toBe(200);
    expect(scaled.body).toMatchObject({ replicas: 3, generation: 2, currentRelease: 1 }); // scaling is not a release
    const deployed = await admin('PATCH', `${base}/web`, { image: 'nginx:1.28', env: [] });
    expect(deployed.body).toMatchObject({ image: 'nginx:1.28', env: [], generation: 3, currentRelease: 2 });
    const same = await admin('PATCH', `${base}/web`, { image: 'nginx:1.28' });
    expect(same.body.generation).toBe(3); // no change, no new generation

    expect((await admin('POST', `${base}/web/stop`)).body).toMatchObject({ running: false, generation: 4, status: { desiredReplicas: 0 } });
    expect((await admin('POST', `${base}/web/restart`)).status).toBe(409); // stopped apps are started, not restarted
    expect((await admin('POST', `${base}/web/start`)).body).toMatchObject({ running: true, generation: 5, status: { desiredReplicas: 3 } });
    expect((await admin('POST', `${base}/web/restart`)).body).toMatchObject({ running: true, generation: 6 });

    const releases = await admin('GET', `${base}/web/releases`);
    expect(releases.body.map((r: { number: number; image: string; description: string }) => [r.number, r.image, r.description]))
      .toEqual([[2, 'nginx:1.28', 'deploy nginx:1.28'], [1, 'nginx:1.27', 'deploy nginx:1.27']]);
    expect(releases.body[1].config).toEqual({
      port: 80, env: [{ name: 'MODE', value: 'prod' }],
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '256Mi' } }, healthCheckPath: null,
    });

    expect((await admin('GET', base)).body.map((a: { name: string }) => a.name)).toEqual(['web']);
    expect((await admin('DELETE', `${base}/web`)).status).toBe(202);
    expect((await admin('GET', `${base}/web`)).status).toBe(404);
    expect((await admin('GET', base)).body).toEqual([]);
    // The name and the domain are free again at once.
    expect((await admin('POST', base, { name: 'web', image: 'nginx:1.27', domains: ['web.example.com'] })).status).toBe(201);

    const events = await admin('GET', `/teams/${team}/events?limit=100`);
    expect(events.status).toBe(200);
    const actions = events.body.map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`);
    expect(actions.slice().reverse()).toEqual([
      'team.create:success', 'app.create:success', 'app.update:success', 'app.update:success', 'app.update:success',
      'app.stop:success', 'app.restart:failure', 'app.start:success', 'app.restart:success', 'app.delete:success', 'app.create:success',
    ]);
    expect(events.body.every((e: { actor: string }) => e.actor === 'admin')).toBe(true);
    const page = await admin('GET', `/teams/${team}/events?limit=2&before=${events.body[1].id}`);
    expect(page.body.map((e: { id: string }) => e.id)).toEqual([events.body[2].id, events.body[3].id]);
  });

  it('sets a health check path (a release: it changes the pods) and TLS (routing only), and clears the path', async () => {
    const team = await makeTeam(t.url);
    const base = `/teams/${team}/apps/probe`;
    expect((await admin('POST', `/teams/${team}/apps`, { name: 'probe', image: 'nginx', domains: ['probe.example.net'] })).body)
      .toMatchObject({ healthCheckPath: null, tls: false, currentRelease: 1 });
    expect((await admin('PATCH', base, { healthCheckPath: '/healthz' })).body).toMatchObject({ healthCheckPath: '/healthz', currentRelease: 2 });
    expect((await admin('PATCH', base, { tls: true })).body).toMatchObject({ tls: true, currentRelease: 2, generation: 3 });
    expect((await admin('PATCH', base, { healthCheckPath: null })).body).toMatchObject({ healthCheckPath: null, currentRelease: 3 });
    expect((await admin('GET', `${base}/releases`)).body[1].config.healthCheckPath).toBe('/healthz');
  });

  it('refuses a domain already routed to another app', async () => {
    const team = await makeTeam(t.url);
    const host = `${uniq('h')}.example.org`;
    expect((await admin('POST', `/teams/${team}/apps`, { name: 'a', image: 'nginx', domains: [host] })).status).toBe(201);
    const r = await admin('POST', `/teams/${team}/apps`, { name: 'b', image: 'nginx', domains: [host] });
    expect(r.status).toBe(409);
    expect(r.body.detail).toContain(host);
    expect((await admin('GET', `/teams/${team}/apps/b`)).status).toBe(404);
  });

  it('refuses to delete a team that still has apps', async () => {
    const team = await makeTeam(t.url);
    await admin('POST', `/teams/${team}/apps`, { name: 'api', image: 'nginx' });
    const r = await admin('DELETE', `/teams/${team}`);
    expect(r.status).toBe(409);
    expect(r.contentType).toContain('application/problem+json');
    expect((await admin('GET', `/teams/${team}`)).status).toBe(200);
  });

  it('manages tokens: created once with a secret, listed without it, revoked at once', async () => {
    const team = await makeTeam(t.url);
    const created = await admin('POST', '/tokens', { team, role: 'developer', name: 'ci' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^ybt_/);
    const listed = await admin('GET', `/tokens?team=${team}`);
    expect(listed.body).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    const dev = rest(t.url, created.body.secret);
    expect((await dev('GET', `/teams/${team}/apps`)).status).toBe(200);
    expect((await admin('DELETE', `/tokens/${created.body.token.id}`)).body.revokedAt).not.toBeNull();
    expect((await dev('GET', `/teams/${team}/apps`)).status).toBe(401);
  });

  it('answers 401 with problem+json without a valid token', async () => {
    for (const token of [undefined, 'nope', 'ybt_unknown']) {
      const r = await rest(t.url, token)('GET', '/teams');
      expect(r.status).toBe(401);
      expect(r.contentType).toContain('application/problem+json');
      expect(r.body.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets an owner token create tokens for its own team only', async () => {
    const team = await makeTeam(t.url);
    const other = await makeTeam(t.url);
    const owner = rest(t.url, await makeToken(t.url, team, 'owner'));
    expect((await owner('POST', '/tokens', { team, role: 'viewer', name: 'ro' })).status).toBe(201);
    expect((await owner('POST', '/tokens', { team: other, role: 'viewer', name: 'ro' })).status).toBe(404);
    const dev = rest(t.url, await makeToken(t.url, team, 'developer'));
    expect((await dev('POST', '/tokens', { team, role: 'owner', name: 'escalate' })).status).toBe(403);
  });
});
