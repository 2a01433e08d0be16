import { chmodSync, cpSync, lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { packagedBinaries, startPostgres } from '../scripts/local/postgres.js';
import { freePort } from '../scripts/local/proc.js';
import { alive } from '../src/proc/leftovers.js';

/**
 * The local stack's PostgreSQL wherever a user clones Yunbang. As root, PostgreSQL runs as the
 * `postgres` user, who cannot enter a home directory such as /root (mode 0700): a checkout there
 * once failed at once with "initdb EACCES". Here the binaries and the data sit under such a
 * directory, whose path also has a space in it.
 */
describe.runIf(process.getuid?.() === 0)('local PostgreSQL, as root, from a checkout the postgres user cannot enter', () => {
  const home = mkdtempSync(join(tmpdir(), 'yb home '));
  const system = mkdtempSync(join(tmpdir(), 'yb-system-'));
  chmodSync(home, 0o700);
  chmodSync(system, 0o755);
  afterAll(() => { rmSync(home, { recursive: true, force: true }); rmSync(system, { recursive: true, force: true }); });

  const query = async (url: string, sql: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try { return (await c.query(sql)).rows; } finally { await c.end(); }
  };

  it('initialises, serves, keeps its data across restarts, and stops a server a killed run left behind', async () => {
    const checkout = join(home, 'my projects', 'yunbang');
    const binaries = join(checkout, 'node_modules', 'pg-native');
    mkdirSync(join(checkout, 'node_modules'), { recursive: true });
    cpSync(await packagedBinaries(), binaries, { recursive: true, verbatimSymlinks: true });
    const dir = join(checkout, '.yunbang', 'postgres');
    const opts = { dir, port: await freePort(), password: 'pw with spaces & symbols', persistent: true, binaries, systemDir: system, ownDir: join(checkout, '.yunbang') };

    const first = await startPostgres(opts);
    await query(first.url, 'CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
    // The data lives where the postgres user can reach it, linked from where it was asked for.
    expect(lstatSync(dir).isSymbolicLink()).toBe(true);
    expect(realpathSync(dir).startsWith(system)).toBe(true);
    await first.stop();

    // A second start finds the data; a third, while the second still runs (a killed run's
    // leftover holding the directory and the port), stops it first.
    const second = await startPostgres(opts);
    expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 42 }]);
    const pid = Number((await query(second.adminUrl('postgres'), 'SELECT pg_backend_pid() AS p'))[0].p);
    expect(pid).toBeGreaterThan(0);
    const third = await startPostgres(opts);
    try {
      expect(await query(third.url, 'SELECT v FROM kept')).toEqual([{ v: 42 }]);
    } finally {
      await third.stop();
      await second.stop(); // already stopped by the third: nothing to do, and no error
    }
    expect(alive(pid)).toBe(false);
  }, 90_000);
});
