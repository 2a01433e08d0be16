import { createHmac, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { ADMIN, startTestPlatform, type TestPlatform } from './helpers/platform.js';

/**
 * A webhook flood: 1,000 signed push deliveries in 10 s over 5 apps, 30% of them duplicates
 * (the same delivery replayed, or the same commit under a new delivery id), as git hosts retry
 * and several hooks fire at once. Every delivery is answered (no 5xx, none lost), no commit is
 * queued twice, and the queue grows by at most one job per build. How fast the answers come
 * (GitHub waits 10 s) depends on the machine and on what else runs: `npm run bench -- webhooks`
 * measures it, beside a baseline of the same deliveries sent one at a time.
 */
describe('faults: a webhook flood', () => {
  let t: TestPlatform;
  let db: pg.Client;
  const hooks: { url: string; secret: string; app: string }[] = [];
  let team: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    const admin = rest(t.url, ADMIN);
    team = await makeTeam(t.url);
    for (let i = 0; i < 5; i++) {
      await admin('POST', `/teams/${team}/apps`, { name: `svc${i}`, git: { url: `http://127.0.0.1:1/svc${i}.git`, branch: 'main' } });
      const h = (await admin('POST', `/teams/${team}/apps/svc${i}/webhook-secret`)).body;
      hooks.push({ url: h.webhookUrl.replace(/^https?:\/\/[^/]+/, t.url), secret: h.secret, app: `svc${i}` });
    }
  });
  afterAll(async () => { await db?.end(); await t?.close(); });

  it('answers all of 1,000 deliveries sent in 10 s, builds each distinct commit once, and keeps the queue bounded', async () => {
    const sent: { app: string; commit: string; delivery: string; kind: 'new' | 'replay' | 'same-commit' }[] = [];
    let seq = 0;
    for (let i = 0; i < 1000; i++) {
      const roll = (i * 7919) % 100; // a fixed spread: 70 new, 15 replays, 15 same commit with a new id
      const prior = sent.length > 0 ? sent[(i * 104729) % sent.length]! : undefined;
      if (roll < 15 && prior) sent.push({ ...prior, kind: 'replay' });
      else if (roll < 30 && prior) sent.push({ ...prior, delivery: randomUUID(), kind: 'same-commit' });
      else sent.push({ app: hooks[i % hooks.length]!.app, commit: (++seq).toString(16).padStart(40, 'c'), delivery: randomUUID(), kind: 'new' });
    }
    const answers: { status: number; ms: number; body: any; i: number }[] = [];
    const t0 = Date.now();
    await Promise.all(sent.map(async (d, i) => {
      await new Promise((r) => setTimeout(r, i * 10)); // 100 a second, for 10 s
      const hook = hooks.find((h) => h.app === d.app)!;
      const body = JSON.stringify({ ref: 'refs/heads/main', after: d.commit, head_commit: { id: d.commit, message: 'm', author: { name: 'Ada' } } });
      const start = Date.now();
      const res = await fetch(hook.url, {
        method: 'POST', body,
        headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': d.delivery, 'x-hub-signature-256': `sha256=${createHmac('sha256', hook.secret).update(body).digest('hex')}` },
        signal: AbortSignal.timeout(90_000), // bounds the test; the answer times are the benchmark's
      });
      answers.push({ status: res.status, ms: Date.now() - start, body: await res.json(), i });
    }));
    const elapsed = Date.now() - t0;

    expect(answers).toHaveLength(1000);
    expect(answers.filter((a) => a.status !== 200 && a.status !== 202).map((a) => `${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);

    // Exactly one build per distinct commit: every new commit built once, duplicates never.
    const { rows } = await db.query<{ app: string; commit: string; n: number }>(
      `SELECT a.name AS app, b.commit, count(*)::int AS n FROM builds b JOIN apps a ON a.id = b.app_id JOIN teams t ON t.id = a.team_id
        WHERE t.name = $1 AND b.trigger = 'webhook' GROUP BY 1, 2`, [team]);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    const distinct = new Set(sent.map((d) => `${d.app}/${d.commit}`));
    expect(new Set(rows.map((r) => `${r.app}/${r.commit}`))).toEqual(distinct);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(distinct.size);
    // Of all the deliveries of one commit (replays and new ids alike), exactly one queued it; the
    // others were acknowledged as duplicates.
    const perCommit = new Map<string, number>();
    for (const a of answers) if (a.status === 202) perCommit.set(`${sent[a.i]!.app}/${sent[a.i]!.commit}`, (perCommit.get(`${sent[a.i]!.app}/${sent[a.i]!.commit}`) ?? 0) + 1);
    expect([...perCommit.values()].every((n) => n === 1)).toBe(true);
    expect(answers.filter((a) => a.status === 200).every((a) => typeof a.body.duplicate === 'string')).toBe(true);

    // The queue grew by at most one job per build, and only each app's newest build still waits.
    const jobs = Number((await db.query(`SELECT count(*) AS n FROM pgboss.job WHERE name LIKE 'build-advance.%'`)).rows[0].n);
    const builds = Number((await db.query(`SELECT count(*) AS n FROM builds`)).rows[0].n);
    expect(jobs).toBeLessThanOrEqual(builds);
    const waiting = await db.query<{ app: string; n: number }>(
      `SELECT a.name AS app, count(*)::int AS n FROM builds b JOIN apps a ON a.id = b.app_id JOIN teams t ON t.id = a.team_id
        WHERE t.name = $1 AND b.status = 'queued' GROUP BY 1`, [team]);
    expect(waiting.rows.every((r) => r.n === 1)).toBe(true);
    process.stdout.write(`\nwebhook flood: 1,000 deliveries in ${elapsed} ms, slowest answer ${Math.max(...answers.map((a) => a.ms))} ms, ${distinct.size} builds\n`);
  }, 180_000);
});
