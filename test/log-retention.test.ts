import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { ADMIN, startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { applyRetention, ensurePartitions, insertLines, searchLines } from '../src/logs/store.js';

const DAY = 86_400_000;

/** Kept log lines in the real PostgreSQL: day partitions, search, and retention by age and by size per team. */
describe('kept log lines: search and retention', () => {
  let t: TestPlatform;
  let db: pg.Pool;
  const ids: Record<string, string> = {};
  const now = new Date();
  const ago = (days: number) => new Date(now.getTime() - days * DAY);

  beforeAll(async () => {
    t = await startTestPlatform();
    db = new pg.Pool({ connectionString: t.databaseUrl });
    for (const k of ['short', 'plain', 'small', 'gone']) {
      const name = await makeTeam(t.url);
      ids[k] = (await db.query<{ id: string }>('SELECT id FROM teams WHERE name = $1', [name])).rows[0]!.id;
      ids[`${k}Name`] = name;
    }
  });
  afterAll(async () => { await db?.end(); await t?.close(); });

  it("a team's plan sets its log retention; null returns it to the platform's default", async () => {
    const admin = rest(t.url, ADMIN);
    const set = await admin('PATCH', `/teams/${ids.shortName}`, { logRetention: { days: 2, megabytes: 50 } });
    expect(set.status).toBe(200);
    expect(set.body.logRetention).toEqual({ days: 2, megabytes: 50 });
    expect((await admin('PATCH', `/teams/${ids.smallName}`, { logRetention: { days: 30, megabytes: 1 } })).body.logRetention).toEqual({ days: 30, megabytes: 1 });
    expect((await admin('GET', `/teams/${ids.plainName}`)).body.logRetention).toEqual({ days: 7, megabytes: 1024 });
    const bad = await admin('PATCH', `/teams/${ids.plainName}`, { logRetention: { days: 31, megabytes: 10 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'logRetention.days', message: expect.stringMatching(/30/) }]);
    const reset = await admin('PATCH', `/teams/${ids.shortName}`, { logRetention: null });
    expect(reset.body.logRetention).toEqual({ days: 7, megabytes: 1024 });
    await admin('PATCH', `/teams/${ids.shortName}`, { logRetention: { days: 2, megabytes: 50 } });
  });

  it('searches one app by time, text and replica, newest lines when there are more, oldest first', async () => {
    await ensurePartitions(db, now);
    const line = (app: string, pod: string, at: Date, text: string) => ({ teamId: ids.plain!, app, pod, at, line: text });
    await insertLines(db, [
      line('web', 'web-5d8f-a1', new Date(now.getTime() - 5000), 'GET /a 200'),
      line('web', 'web-5d8f-b2', new Date(now.getTime() - 4000), 'GET /b 500'),
      line('web', 'web-5d8f-a1', new Date(now.getTime() - 3000), 'GET /c 500'),
      line('api', 'api-77-c3', new Date(now.getTime() - 2000), 'GET /c 500'),
    ]);
    const q = { teamId: ids.plain!, app: 'web', since: ago(1), until: now, limit: 10 };
    expect((await searchLines(db, q)).lines.map((l) => l.line)).toEqual(['GET /a 200', 'GET /b 500', 'GET /c 500']);
    expect((await searchLines(db, { ...q, grep: ' 500' })).lines.map((l) => [l.pod, l.line])).toEqual([['web-5d8f-b2', 'GET /b 500'], ['web-5d8f-a1', 'GET /c 500']]);
    expect((await searchLines(db, { ...q, pod: 'a1' })).lines.map((l) => l.line)).toEqual(['GET /a 200', 'GET /c 500']);
    expect(await searchLines(db, { ...q, limit: 2 })).toMatchObject({ truncated: true, lines: [{ line: 'GET /b 500' }, { line: 'GET /c 500' }] });
    // A grep is a literal: LIKE's wildcards mean nothing.
    expect((await searchLines(db, { ...q, grep: '%' })).lines).toEqual([]);
  });

  it("drops lines past each team's age, its oldest days past its size (never today's), old partitions whole, and deleted teams' lines", async () => {
    await ensurePartitions(db, ago(40));
    await ensurePartitions(db, ago(10));
    await ensurePartitions(db, ago(3));
    const kb600 = 'x'.repeat(600 * 1024);
    const put = (team: string, at: Date, text = 'a line') => ({ teamId: ids[team]!, app: 'web', pod: 'web-1', at, line: text });
    await insertLines(db, [
      put('short', ago(3), 'short: 3 days old'), put('short', ago(1), 'short: 1 day old'),
      put('plain', ago(3), 'plain: 3 days old'), put('plain', ago(10), 'plain: 10 days old'), put('plain', ago(40), 'plain: 40 days old'),
      put('small', ago(2), 'small: 2 days old'), put('small', ago(1), kb600), put('small', now, kb600),
      put('gone', ago(2), 'gone: 2 days old'),
    ]);
    await db.query('UPDATE teams SET deleted_at = now() WHERE id = $1', [ids.gone]);
    const partitionsBefore = (await db.query("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'app_log_lines'::regclass")).rows[0].n;

    const out = await applyRetention(db, { days: 7, megabytes: 1024 }, now);
    const left = (await db.query<{ line: string }>("SELECT left(line, 30) AS line FROM app_log_lines WHERE line NOT LIKE 'GET %' ORDER BY at")).rows.map((r) => r.line);
    expect(left).toEqual(['plain: 3 days old', 'short: 1 day old', 'x'.repeat(30), 'x'.repeat(30)]);
    // 40 days ago's partitions (that day and the ones around it) went whole.
    expect(out.droppedPartitions).toBeGreaterThanOrEqual(2);
    const partitionsAfter = (await db.query("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'app_log_lines'::regclass")).rows[0].n;
    expect(partitionsAfter).toBe(partitionsBefore - out.droppedPartitions);
    // The size count follows: the small team keeps its last two days' bytes.
    const usage = (await db.query<{ bytes: string }>('SELECT sum(bytes)::text AS bytes FROM app_log_usage WHERE team_id = $1', [ids.small])).rows[0]!.bytes;
    expect(Number(usage)).toBe(2 * 600 * 1024);
    // Applying it again finds nothing more to do.
    expect(await applyRetention(db, { days: 7, megabytes: 1024 }, now)).toEqual({ droppedPartitions: 0, deletedLines: 0 });
  });
});
