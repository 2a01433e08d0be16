import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stopLeftover } from '../src/proc/leftovers.js';

/**
 * nginx as a child process: started with a given configuration (which says `daemon off;`, so the
 * child is the master), checked with `nginx -t` before any file is put in place, reloaded with
 * SIGHUP (graceful: old workers finish their requests), stopped with SIGQUIT (graceful) and, if it
 * dies on its own, started again with the last configuration that passed the check.
 *
 * nginx runs in a process group of its own, so a terminal's Ctrl-C reaches only us and we stop it
 * gracefully; when this process exits by any path, nginx is told to stop too, and a master left
 * running by a killed earlier run (found by its pid file) is stopped before a new one starts.
 */
const execFileP = promisify(execFile);

export interface NginxOptions {
  bin: string;
  /** Runs nginx (and its checks) through this command prefix, e.g. nsenter into a network namespace. */
  wrapper?: string[];
  /** nginx's prefix (-p): the pid file, logs/error.log and the configurations live here. */
  prefix: string;
  /** Called when nginx exits without being asked to (it is restarted after a second). */
  onUnexpectedExit?: (code: number | null, signal: string | null) => void;
}

/**
 * Where nginx answers the gateway with its configuration's version: a Unix socket in its prefix, so
 * the gateway reaches it in whichever network namespace nginx runs.
 */
export const controlSocket = (prefix: string) => join(prefix, 'control.sock');

export interface CheckResult { ok: boolean; message: string }

export class Nginx {
  private child: ChildProcess | undefined;
  private stopping = false;
  private readonly log: WriteStream;
  private confPath: string | undefined;

  constructor(private readonly o: NginxOptions) {
    mkdirSync(join(o.prefix, 'logs'), { recursive: true });
    this.log = createWriteStream(join(o.prefix, 'logs', 'nginx.out'), { flags: 'a' });
  }

  /** Prefix, and the error log from the first moment (not the compiled-in /var/log/nginx, which a non-root gateway cannot open). */
  private base(): string[] { return ['-p', this.o.prefix, '-e', join(this.o.prefix, 'logs', 'error.log')]; }

  private command(args: string[]): string[] { return [...(this.o.wrapper ?? []), this.o.bin, ...args]; }

  get pid(): number | undefined { return this.child?.exitCode === null ? this.child.pid : undefined; }

  /** `nginx -t` on a configuration file, without touching the running nginx. */
  async check(confPath: string): Promise<CheckResult> {
    try {
      const [cmd, ...args] = this.command(['-t', '-q', ...this.base(), '-c', confPath]);
      const { stderr } = await execFileP(cmd!, args, { timeout: 30_000 });
      return { ok: true, message: stderr.trim() };
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      // nginx names the file and line of the first problem; that is the useful part.
      const lines = (e.stderr ?? e.message).split('\n').map((l) => l.replace(/^nginx: /, '').trim()).filter((l) => l && !/test failed/.test(l));
      return { ok: false, message: lines.join('; ').slice(0, 2000) };
    }
  }

  /** Starts the master with this configuration and resolves once it runs. */
  async start(confPath: string): Promise<void> {
    this.confPath = confPath;
    this.stopping = false;
    await stopLeftover(join(this.o.prefix, 'nginx.pid'), 'nginx');
    // A master killed outright leaves its control socket behind, and nginx will not bind over it.
    rmSync(controlSocket(this.o.prefix), { force: true });
    await this.spawn();
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      // A wrapper (nsenter) execs nginx: the child is still the master.
      const [cmd, ...args] = this.command([...this.base(), '-c', this.confPath!]);
      const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      this.child = child;
      const onExit = () => { try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ } };
      process.once('exit', onExit);
      child.once('exit', () => process.off('exit', onExit));
      child.stdout!.pipe(this.log, { end: false });
      child.stderr!.pipe(this.log, { end: false });
      let settled = false;
      // nginx with `daemon off` prints nothing when it starts well: give it a moment to fail.
      const timer = setTimeout(() => { settled = true; resolve(); }, 150);
      child.once('error', (err) => { if (!settled) { settled = true; clearTimeout(timer); reject(err); } });
      child.once('exit', (code, signal) => {
        if (!settled) { settled = true; clearTimeout(timer); reject(new Error(`nginx exited at start (code ${code}, signal ${signal}); see ${join(this.o.prefix, 'logs')}`)); return; }
        if (this.stopping || this.child !== child) return;
        this.o.onUnexpectedExit?.(code, signal);
        setTimeout(() => { if (!this.stopping) this.spawn().catch(() => {}); }, 1000).unref();
      });
    });
  }

  /**
   * Worker processes that accept connections now: not those told to shut down by a reload (nginx
   * retitles them "worker process is shutting down"). Linux /proc; an empty list elsewhere.
   */
  acceptingWorkers(): number[] {
    return this.children().filter((c) => {
      try { return readFileSync(`/proc/${c}/cmdline`, 'utf8').replace(/[\0\s]+$/, '') === 'nginx: worker process'; } catch { return false; }
    });
  }

  /** Every process the master has started (workers, old and new). */
  children(): number[] {
    const pid = this.pid;
    if (pid === undefined) return [];
    try { return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number); } catch { return []; }
  }

  /** Makes the master re-read its configuration file (already checked and in place). */
  reload(): void {
    if (!this.child || this.child.exitCode !== null) throw new Error('nginx is not running');
    this.child.kill('SIGHUP');
  }

  /** Makes nginx reopen its log files (after the gateway renamed one). */
  reopenLogs(): void {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGUSR1');
  }

  /** Graceful stop (SIGQUIT), then SIGKILL if it takes longer than graceMs. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGQUIT');
      // The whole group: workers of a killed master would otherwise keep the ports.
      const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, graceMs);
      await exited;
      clearTimeout(timer);
    }
    this.log.end();
  }
}
