import { createHmac } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { githubPush } from './helpers/hooks.js';
import { ADMIN, startTestPlatform, type TestPlatform } from './helpers/platform.js';

// Webhook deliveries without a worker: builds stay queued, so every test can count exactly what a delivery created.
describe('webhooks from git hosts', () => {
  let t: TestPlatform;
  let db: pg.Client;
  let admin: ReturnType<typeof rest>;
  let team: string;
  let hook: { secret: string; webhookUrl: string };
  const sha = (n: number) => n.toString(16).padStart(40, 'a');
  const builds = async () => Number((await db.query(`SELECT count(*) FROM builds b JOIN apps a ON a.id = b.app_id JOIN teams t ON t.id = a.team_id WHERE t.name = $1 AND b.trigger = 'webhook'`, [team])).rows[0].count);
  const post = (headers: Record<string, string>, body: string, url = hook.webhookUrl) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  beforeAll(async () => {
    t = await startTestPlatform({ YUNBANG_PUBLIC_URL: 'http://127.0.0.1:1' });
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    admin = rest(t.url, ADMIN);
    team = await makeTeam(t.url);
    await admin('POST', `/teams/${team}/apps`, { name: 'web', git: { url: 'http://127.0.0.1:1/acme/web.git', branch: 'main' } });
    hook = (await admin('POST', `/teams/${team}/apps/web/webhook-secret`)).body;
    hook.webhookUrl = hook.webhookUrl.replace('http://127.0.0.1:1', t.url);
  });
  afterAll(async () => { await db?.end(); await t?.close(); });

  it('a correctly signed push to the tracked branch queues one build and answers 202', async () => {
    const r = await githubPush(hook.webhookUrl, hook.secret, { commit: sha(1) });
    expect(r.status).toBe(202);
    expect(r.body.build.number).toBeGreaterThan(0);
    expect(await builds()).toBe(1);
    const events = (await admin('GET', `/teams/${team}/events?limit=1`)).body;
    expect(events[0]).toMatchObject({ actor: 'webhook:github', action: 'build.trigger', outcome: 'success' });
  });

  it('refuses bad, missing and wrong-secret signatures with 401 and builds nothing', async () => {
    const before = await builds();
    expect((await githubPush(hook.webhookUrl, hook.secret, { commit: sha(2) }, { signature: 'sha256=deadbeef' })).status).toBe(401);
    expect((await githubPush(hook.webhookUrl, hook.secret, { commit: sha(2) }, { signature: null })).status).toBe(401);
    expect((await githubPush(hook.webhookUrl, 'not-the-secret', { commit: sha(2) })).status).toBe(401);
    expect((await githubPush(hook.webhookUrl.replace(/[^/]+$/, 'unknownhookid'), hook.secret, { commit: sha(2) })).status).toBe(401);
    expect(await builds()).toBe(before);
  });

  it('a replayed delivery and a commit already built are acknowledged and build nothing', async () => {
    const first = await githubPush(hook.webhookUrl, hook.secret, { commit: sha(3) }, { delivery: 'same-delivery' });
    expect(first.status).toBe(202);
    const before = await builds();
    expect(await githubPush(hook.webhookUrl, hook.secret, { commit: sha(4) }, { delivery: 'same-delivery' })).toMatchObject({ status: 200, body: { duplicate: 'delivery already received' } });
    expect((await githubPush(hook.webhookUrl, hook.secret, { commit: sha(3) })).status).toBe(200);
    expect(await builds()).toBe(before);
  });

  it('other branches, tags and events are acknowledged and ignored; ping answers', async () => {
    const before = await builds();
    expect(await githubPush(hook.webhookUrl, hook.secret, { commit: sha(5), branch: 'feature' })).toMatchObject({ status: 202, body: { ignored: 'branch feature is not tracked (main is)' } });
    const tag = JSON.stringify({ ref: 'refs/tags/v1', after: sha(6) });
    expect((await githubPush(hook.webhookUrl, hook.secret, { commit: sha(6) }, { body: tag })).body.ignored).toMatch(/tag v1/);
    expect((await githubPush(hook.webhookUrl, hook.secret, { commit: sha(7) }, { event: 'issues' })).body).toEqual({ ignored: 'event issues' });
    expect(await githubPush(hook.webhookUrl, hook.secret, { commit: sha(7) }, { event: 'ping', body: '{"zen":"hi"}' })).toMatchObject({ status: 200, body: { pong: true } });
    expect(await builds()).toBe(before);
  });

  it('malformed JSON (correctly signed) is 400 and an oversized body 413, building nothing', async () => {
    const before = await builds();
    expect((await githubPush(hook.webhookUrl, hook.secret, { commit: sha(8) }, { body: '{"ref": ' })).status).toBe(400);
    const huge = JSON.stringify({ ref: 'refs/heads/main', after: sha(9), pad: 'x'.repeat(100_000) });
    expect((await githubPush(hook.webhookUrl, hook.secret, { commit: sha(9) }, { body: huge })).status).toBe(413);
    expect(await builds()).toBe(before);
  });

  it('accepts GitLab (token), Gitea (HMAC) and generic (HMAC) deliveries', async () => {
    const before = await builds();
    const gl = JSON.stringify({ object_kind: 'push', ref: 'refs/heads/main', checkout_sha: sha(10), commits: [{ message: 'gl', author: { name: 'Lin' } }] });
    expect((await post({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': hook.secret }, gl)).status).toBe(202);
    expect((await post({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'wrong' }, gl)).status).toBe(401);
    const gt = JSON.stringify({ ref: 'refs/heads/main', after: sha(11), head_commit: { message: 'gt', author: { name: 'Tea' } } });
    const giteaSig = createHmac('sha256', hook.secret).update(gt).digest('hex');
    expect((await post({ 'x-gitea-event': 'push', 'x-gitea-signature': giteaSig }, gt)).status).toBe(202);
    const gen = JSON.stringify({ ref: 'refs/heads/main', commit: sha(12) });
    const genSig = `sha256=${createHmac('sha256', hook.secret).update(gen).digest('hex')}`;
    expect((await post({ 'x-yunbang-signature': genSig }, gen, hook.webhookUrl.replace('/hooks/', '/hooks/generic/'))).status).toBe(202);
    expect(await builds()).toBe(before + 3);
  });

  it('a rotated secret replaces the old one at once', async () => {
    const rotated = (await admin('POST', `/teams/${team}/apps/web/webhook-secret`)).body;
    expect(rotated.secret).not.toBe(hook.secret);
    expect((await githubPush(hook.webhookUrl, hook.secret, { commit: sha(13) })).status).toBe(401);
    expect((await githubPush(hook.webhookUrl, rotated.secret, { commit: sha(13) })).status).toBe(202);
    hook.secret = rotated.secret;
  });

  it('keeps the webhook secret sealed at rest, and seals one stored in plain text before', async () => {
    const { rows } = await db.query(`SELECT webhook_secret FROM apps a JOIN teams t ON t.id = a.team_id WHERE t.name = $1 AND a.name = 'web'`, [team]);
    expect(rows[0].webhook_secret).toMatch(/^v2\./);
    expect(rows[0].webhook_secret).not.toContain(hook.secret);
    // A secret from before sealing: still verifies, and is sealed at the next start.
    await db.query(`UPDATE apps SET webhook_secret = $2 FROM teams t WHERE t.id = apps.team_id AND t.name = $1 AND apps.name = 'web'`, [team, hook.secret]);
    expect((await githubPush(hook.webhookUrl, hook.secret, { commit: 'abcdef'.repeat(6) + 'abcd' })).status).toBe(202);
    const { sealLegacyWebhookSecrets } = await import('../src/webhooks/handle.js');
    const { SECRET_KEY } = await import('./helpers/platform.js');
    expect(await sealLegacyWebhookSecrets(t.platform.db, SECRET_KEY)).toBeGreaterThanOrEqual(1);
    const after = (await db.query(`SELECT webhook_secret FROM apps a JOIN teams t ON t.id = a.team_id WHERE t.name = $1 AND a.name = 'web'`, [team])).rows[0];
    expect(after.webhook_secret).toMatch(/^v2\./);
    expect((await githubPush(hook.webhookUrl, hook.secret, { commit: 'bcdefa'.repeat(6) + 'bcde' })).status).toBe(202);
  });
});
