import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import { log } from '../log.js';

const dir = fileURLToPath(new URL('./migrations', import.meta.url));

/** Brings the database schema up to date. Safe to call from several processes at once: node-pg-migrate takes an advisory lock. */
export async function migrate(databaseUrl: string): Promise<void> {
  await runner({
    databaseUrl,
    dir,
    direction: 'up',
    migrationsTable: 'yunbang_migrations',
    checkOrder: true,
    logger: { info: () => {}, warn: (m: string) => log.warn(m), error: (m: string) => log.error(m), debug: () => {} },
  });
}
