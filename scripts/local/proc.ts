import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';

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

/** Starts a process with its output appended to a log file; it is stopped with us at the latest. */
export function startProcess(cmd: string, args: string[], logFile: string): ChildProcess {
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
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
