import { existsSync, readFileSync } from 'node:fs';

/**
 * Stops a server that a killed earlier run left behind, found by the pid file it wrote (nginx's
 * nginx.pid, PostgreSQL's postmaster.pid: the pid is the first line). Only a live process whose
 * command line names `expected` is signalled, so a reused pid is never touched. Waits up to 5 s,
 * then kills it.
 */
export async function stopLeftover(pidFile: string, expected: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<boolean> {
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]!.trim());
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return false;
  let cmdline = '';
  try { cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '); } catch { return false; } // not running
  if (!cmdline.includes(expected)) return false;
  try { process.kill(pid, signal); } catch { return false; }
  for (let i = 0; i < 50; i++) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  try { process.kill(-pid, 'SIGKILL'); } catch { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  return true;
}

export function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  // A zombie (exited, not yet reaped by its parent) is not running.
  try { return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}
