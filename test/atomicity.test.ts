import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue, queueIn, QUEUES } from '../src/intents/queues.js';
import { withTx } from '../src/db/pool.js';
import { rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { snapshotCounts } from './helpers/db.js';
import { ADMIN, startTestPlatform, type TestPlatform } from './helpers/platform.js';

describe('intent and job are written atomically', () => {
  let t: TestPlatform;
  let db: pg.Client;
  beforeAll(async () => {
    t = await startTestPlatform();
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
  });
  afterAll(async () => { await db?.end(); await t?.close(); });

  const jobsFor = async (appName: string) => (await db.query(
    `SELECT j.state FROM pgboss.job j JOIN apps a ON a.id::text = j.singleton_key WHERE a.name = $1 AND j.name = $2`,
    [appName, queueIn(QUEUES.reconcileApp, 'local')])).rows.map((r) => r.state as string);

  it('each mutation enqueues a reconcile job in the same transaction', async () => {
    const team = await makeTeam(t.url);
    await rest(t.url, ADMIN)('POST', `/teams/${team}/apps`, { name: 'one', image: 'nginx' });
    expect(await jobsFor('one')).toEqual(['created']);
  });

  it('a mutation that fails after writing its rows and its job leaves neither', async () => {
    const team = await makeTeam(t.url);
    // The audit event is the last write of every intent, after the job was enqueued: make it fail.
    await db.query(`CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action = 'app.create' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`);
    await db.query(`CREATE TRIGGER fail_audit BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION fail_audit()`);
    try {
      const before = await snapshotCounts(t.databaseUrl);
      const r = await rest(t.url, ADMIN)('POST', `/teams/${team}/apps`, { name: 'doomed', image: 'nginx', domains: ['doomed.example.com'] });
      expect(r.status).toBe(500);
      expect(r.contentType).toContain('application/problem+json');
      expect(JSON.stringify(r.body)).not.toMatch(/injected|INSERT|events/); // no SQL or internals leak
      expect(await snapshotCounts(t.databaseUrl)).toEqual(before);
    } finally {
      await db.query('DROP TRIGGER fail_audit ON events; DROP FUNCTION fail_audit()');
    }
  });

  it('a conflict discovered mid-way rolls back the app row it had inserted', async () => {
    const team = await makeTeam(t.url);
    await rest(t.url, ADMIN)('POST', `/teams/${team}/apps`, { name: 'first', image: 'nginx', domains: ['taken.example.com'] });
    const before = await snapshotCounts(t.databaseUrl);
    const r = await rest(t.url, ADMIN)('POST', `/teams/${team}/apps`, { name: 'second', image: 'nginx', domains: ['taken.example.com'] });
    expect(r.status).toBe(409);
    expect(await snapshotCounts(t.databaseUrl)).toEqual(before);
    expect(await jobsFor('second')).toEqual([]);
  });

  it('a burst of 50 concurrent updates to one app leaves one pending reconcile job', async () => {
    const team = await makeTeam(t.url);
    await rest(t.url, ADMIN)('POST', `/teams/${team}/apps`, { name: 'busy', image: 'nginx' });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      rest(t.url, ADMIN)('PATCH', `/teams/${team}/apps/busy`, { env: [{ name: 'N', value: String(i) }] })));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    const app = await rest(t.url, ADMIN)('GET', `/teams/${team}/apps/busy`);
    expect(app.body.generation).toBe(51);
    expect(app.body.currentRelease).toBe(51);
    expect(await jobsFor('busy')).toEqual(['created']);
  });

  it('a job queued before the intent and started before it commits is followed by one that reads it', async () => {
    const team = await makeTeam(t.url);
    await rest(t.url, ADMIN)('POST', `/teams/${team}/apps`, { name: 'racy', image: 'nginx' });
    const { rows } = await db.query(`SELECT id FROM apps WHERE name = 'racy'`);
    const appId = rows[0].id as string;
    expect(await jobsFor('racy')).toEqual(['created']);
    // Inside the intent's transaction the send is dropped (a job for the app is queued); a worker
    // then starts that job, which cannot see the uncommitted intent.
    await withTx(t.platform.db, async (tx) => {
      await tx.query('UPDATE apps SET generation = generation + 1 WHERE id = $1', [appId]);
      await enqueue(t.platform.boss, tx, QUEUES.reconcileApp, { appId }, appId);
      expect(await jobsFor('racy')).toEqual(['created']);
      // What a worker's fetch does, for this app's job only (others of earlier tests wait in the queue too).
      const started = await db.query(`UPDATE pgboss.job SET state = 'active', started_on = now() WHERE name = $1 AND singleton_key = $2 AND state = 'created'`, [queueIn(QUEUES.reconcileApp, 'local'), appId]);
      expect(started.rowCount).toBe(1);
    });
    // After the commit a new job is queued, which will read the committed intent.
    expect((await jobsFor('racy')).sort()).toEqual(['active', 'created']);
  });
});
