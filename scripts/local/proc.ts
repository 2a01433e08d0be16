import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { alive, stopLeftover } from '../../src/proc/leftovers.js';

/** A free TCP port on loopback (the OS picks it; the tiny race with another taker is acceptable locally). */
export { freeLoopbackPort as freePort } from '../../gateway/ports.js';

export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(true));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(false)));
  });
}

const children = new Set<ChildProcess>();
// Whatever path ends this process (a library's own exit hook included), its children go too.
process.on('exit', () => { for (const c of children) c.kill('SIGKILL'); });

/**
 * Starts a process with its output appended to a log file; it is stopped with us at the latest.
 * It runs in a process group of its own, so a terminal's Ctrl-C reaches only us and we stop the
 * stack in order. With `pidFile`, its pid and ours are written there: if we are killed outright
 * (SIGKILL), the next start finds it and stops it (stopLeftovers).
 */
export function startProcess(cmd: string, args: string[], logFile: string, opts: { pidFile?: string } = {}): ChildProcess {
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  children.add(child);
  if (opts.pidFile && child.pid) {
    mkdirSync(dirname(opts.pidFile), { recursive: true });
    writeFileSync(opts.pidFile, `${child.pid}\n${basename(cmd)}\n${process.pid}\n`);
  }
  child.once('exit', () => {
    children.delete(child);
    if (opts.pidFile) rmSync(opts.pidFile, { force: true });
  });
  return child;
}

/**
 * Stops what a killed earlier run left in `dir`'s pid files (see startProcess). A pid file whose
 * owner still runs belongs to another live stack: that is an error naming it, not a leftover.
 */
export async function stopLeftovers(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const stopped: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.pid'))) {
    const [, name, owner] = readFileSync(join(dir, f), 'utf8').split('\n');
    if (owner && Number(owner) !== process.pid && alive(Number(owner))) {
      throw new Error(`another Yunbang stack (pid ${owner}) is running from ${dirname(dir)}: stop it first (kill -TERM ${owner})`);
    }
    if (await stopLeftover(join(dir, f), name ?? '')) stopped.push(name ?? f);
    rmSync(join(dir, f), { force: true });
  }
  return stopped;
}

/** Stops a process by PID: SIGTERM, then SIGKILL if it has not exited in time. */
export async function stopProcess(child: ChildProcess | undefined, graceMs = 5000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Polls until check() resolves true, or fails with what was waited for and the last error. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, child?: ChildProcess, logFile?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what}: process exited with code ${child.exitCode}${logFile ? ` (see ${logFile})` : ''}`);
    try { if (await check()) return; } catch (err) { last = err; }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms${last ? ` (${(last as Error).message})` : ''}${logFile ? `; see ${logFile}` : ''}`);
}
