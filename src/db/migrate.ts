import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { log } from '../log.js';

const dir = fileURLToPath(new URL('./migrations', import.meta.url));
const TABLE = 'yunbang_migrations';

export class DowngradeError extends Error {}

/**
 * The migrations the database has run that this version does not know: it was brought up to date
 * by a newer Yunbang. Running on it could misread or lose what the newer schema holds.
 */
export async function unknownMigrations(databaseUrl: string): Promise<string[]> {
  const known = new Set(readdirSync(dir).map((f) => f.replace(/\.[^.]+$/, '')));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(`SELECT name FROM ${TABLE} ORDER BY run_on, id`).catch((err: { code?: string }) => {
      if (err.code === '42P01') return { rows: [] }; // a new database: nothing has run yet
      throw err;
    });
    return rows.map((r) => r.name).filter((n) => !known.has(n));
  } finally {
    await client.end();
  }
}

/**
 * Brings the database schema up to date. Safe to call from several processes at once: node-pg-migrate
 * takes an advisory lock. Refuses a database a newer version has migrated (a downgrade past a migration).
 */
export async function migrate(databaseUrl: string): Promise<void> {
  const newer = await unknownMigrations(databaseUrl);
  if (newer.length > 0) {
    throw new DowngradeError(`the database was migrated by a newer Yunbang (${newer.join(', ')}), which this version does not know: run the newer version, or restore a backup taken before the upgrade`);
  }
  await runner({
    databaseUrl,
    dir,
    direction: 'up',
    migrationsTable: TABLE,
    checkOrder: true,
    logger: { info: () => {}, warn: (m: string) => log.warn(m), error: (m: string) => log.error(m), debug: () => {} },
  });
}
