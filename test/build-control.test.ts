import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { eventually, jobsSettled, notFound, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { startGitServer, type GitServer } from './helpers/git-server.js';
import { simulatedCluster } from './helpers/node-env.js';
import { ADMIN, startTestPlatform, type TestPlatform } from './helpers/platform.js';

const app = { 'package.json': JSON.stringify({ scripts: { start: 'node index.js' } }), 'index.js': '' };

describe('build control without a worker', () => {
  let t: TestPlatform;
  beforeAll(async () => { t = await startTestPlatform(); });
  afterAll(async () => { await t?.close(); });

  it('a newer build supersedes the queued older one; only git apps build', async () => {
    const admin = rest(t.url, ADMIN);
    const team = await makeTeam(t.url);
    await admin('POST', `/teams/${team}/apps`, { name: 'web', git: { url: 'http://127.0.0.1:1/a/web.git' } });
    const second = await admin('POST', `/teams/${team}/apps/web/builds`, { ref: 'release' });
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ number: 2, status: 'queued', ref: 'release', trigger: 'manual', createdBy: 'admin' });
    const listed = await admin('GET', `/teams/${team}/apps/web/builds`);
    if (!Array.isArray(listed.body)) throw new Error(JSON.stringify(listed));
    const list = listed.body;
    expect(list.map((b: { number: number; status: string }) => [b.number, b.status])).toEqual([[2, 'queued'], [1, 'superseded']]);
    await admin('POST', `/teams/${team}/apps`, { name: 'img', image: 'nginx' });
    expect((await admin('POST', `/teams/${team}/apps/img/builds`, {})).status).toBe(409);
    expect((await admin('POST', `/teams/${team}/apps/web/builds`, { ref: 'bad..ref' })).status).toBe(400);
  });

  it('refuses bad git sources before anything is written', async () => {
    const admin = rest(t.url, ADMIN);
    const team = await makeTeam(t.url);
    for (const [git, field] of [
      [{ url: 'not a url' }, 'git.url'], [{ url: 'https://user:pass@git.example.com/a.git' }, 'git.url'],
      [{ url: 'https://git.example.com/a.git', branch: 'has space' }, 'git.branch'], [{ url: 'https://git.example.com/a.git', subdir: '../etc' }, 'git.subdir'],
    ] as const) {
      const r = await admin('POST', `/teams/${team}/apps`, { name: 'x', git });
      expect([JSON.stringify(git), r.status]).toEqual([JSON.stringify(git), 400]);
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await admin('POST', `/teams/${team}/apps`, { name: 'x', image: 'nginx', git: { url: 'https://git.example.com/a.git' } })).status).toBe(400);
    expect((await admin('POST', `/teams/${team}/apps`, { name: 'x' })).status).toBe(400);
    expect((await admin('GET', `/teams/${team}/apps`)).body).toEqual([]);
  });
});

// On the simulated cluster by name: deadlines and cancelling are the platform's own, timed against a
// build that answers in a second (a real one takes 30-60 s; real-node-builds.test.ts builds for real).
describe('build control with a slow git host', () => {
  let p: FullPlatform;
  let git: GitServer;
  let admin: ReturnType<typeof rest>;
  beforeAll(async () => {
    p = await startFullPlatform({ YUNBANG_BUILDS_PER_TEAM: '1', YUNBANG_BUILD_DEADLINE_SECONDS: '5' }, { cluster: simulatedCluster() });
    admin = rest(p.url, ADMIN);
    git = await startGitServer({ delayMs: 700, realNode: null });
  });
  afterAll(async () => { await p?.close(); await git?.close(); });

  const builds = async (team: string, name: string) => (await admin('GET', `/teams/${team}/apps/${name}/builds`)).body;
  const dbNow = async () => (await p.running.platform.db.query<{ now: Date }>('SELECT now()')).rows[0]!.now;
  const repo = (name: string) => { const r = git.repo(name); r.write(app); r.commit('init'); r.push(); return git.url(name); };

  it('runs at most N builds per team at once; the next starts when one finishes', async () => {
    const team = await makeTeam(p.url);
    await admin('POST', `/teams/${team}/apps`, { name: 'one', git: { url: repo(`one-${team}`) } });
    await admin('POST', `/teams/${team}/apps`, { name: 'two', git: { url: repo(`two-${team}`) } });
    await eventually('one build running while the other waits', async () => {
      const states = [(await builds(team, 'one'))[0].status, (await builds(team, 'two'))[0].status].sort();
      return states[1] === 'queued' && ['building', 'detecting'].includes(states[0]);
    });
    await eventually('both built', async () => (await builds(team, 'one'))[0].status === 'succeeded' && (await builds(team, 'two'))[0].status === 'succeeded', 40_000);
  }, 60_000);

  it('a build that outlives its deadline fails with a clear reason', async () => {
    const slow = await startGitServer({ delayMs: 3000, realNode: null });
    try {
      const r = slow.repo('slow'); r.write(app); r.commit('init'); r.push();
      const team = await makeTeam(p.url);
      await admin('POST', `/teams/${team}/apps`, { name: 'slow', git: { url: slow.url('slow') } });
      const failed = await eventually('deadline', async () => { const b = (await builds(team, 'slow'))[0]; return b.status === 'failed' && b; }, 30_000);
      expect(failed.failureReason).toBe('detection failed: the build exceeded its deadline');
      expect((await admin('GET', `/teams/${team}/apps/slow`)).body.image).toBeNull();
    } finally {
      await slow.close();
    }
  }, 40_000);

  it('a cancelled build stops, its pod is removed and it releases nothing', async () => {
    const team = await makeTeam(p.url);
    await admin('POST', `/teams/${team}/apps`, { name: 'web', git: { url: repo(`web-${team}`) } });
    const b = await eventually('detecting', async () => { const x = (await builds(team, 'web'))[0]; return x.status === 'detecting' && x; });
    const at = await dbNow();
    const cancelled = await admin('POST', `/builds/${b.id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', failureReason: 'cancelled by admin' });
    expect((await admin('POST', `/builds/${b.id}/cancel`)).status).toBe(409);
    await eventually('detect pod removed', () => notFound(p.core.readNamespacedPod({ name: 'web-build-1-detect', namespace: `yb-${team}` })));
    // Nothing released only means something once the worker has handled the cancelled build.
    await eventually('the build\'s jobs handled after the cancel', () => jobsSettled(p.running.platform.db, b.id, at));
    expect((await admin('GET', `/teams/${team}/apps/web`)).body.image).toBeNull();
    expect((await admin('GET', `/teams/${team}/apps/web/releases`)).body).toEqual([]);
  }, 40_000);
});
