import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from './helpers/platform.js';

/** `main.ts migrate`, as a Job or an init container runs it before an upgrade's pods roll. */
const migrate = (databaseUrl: string | undefined) => spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts', 'migrate'], {
  cwd: new URL('..', import.meta.url), env: { PATH: process.env.PATH, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), LOG_LEVEL: 'info' }, encoding: 'utf8', timeout: 60_000,
});

describe('database migrations', () => {
  it('migrate brings a new database up to date once; a second run changes nothing', async () => {
    const url = await freshDatabase();
    const first = migrate(url);
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const count = async () => Number((await db.query('SELECT count(*) FROM yunbang_migrations')).rows[0].count);
      const ran = await count();
      expect(ran).toBeGreaterThan(0);
      expect(migrate(url).status).toBe(0);
      expect(await count()).toBe(ran);
    } finally {
      await db.end();
    }
  });

  it('refuses a database a newer version migrated (a downgrade), naming the migration, and changes nothing', async () => {
    const url = await freshDatabase();
    expect(migrate(url).status).toBe(0);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      await db.query(`INSERT INTO yunbang_migrations (name, run_on) VALUES ('9999_from_the_future', now())`);
      const before = (await db.query('SELECT name FROM yunbang_migrations ORDER BY id')).rows;
      const refused = migrate(url);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('the database was migrated by a newer Yunbang (9999_from_the_future)');
      expect((await db.query('SELECT name FROM yunbang_migrations ORDER BY id')).rows).toEqual(before);
    } finally {
      await db.end();
    }
  });

  it('names DATABASE_URL when it is missing', () => {
    const r = migrate(undefined);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: expect.stringContaining('DATABASE_URL: required but not set') });
  });
});
