import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * Stops a server that a killed earlier run left behind, found by the pid file it wrote (nginx's
 * nginx.pid, PostgreSQL's postmaster.pid: the pid is the first line). Only processes whose command
 * line names `expected` are signalled, so a reused pid is never touched. Waits up to 5 s, then
 * kills them.
 *
 * The servers we start lead a process group of their own, and their children stay in it. Those
 * children are stopped too, even when the leader is already gone: nginx's workers outlive a master
 * killed outright (SIGKILL) and go on holding its listening sockets, so the next start could not
 * bind its ports.
 */
export async function stopLeftover(pidFile: string, expected: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<boolean> {
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]!.trim());
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return false;
  const ours = (p: number) => p !== process.pid && commandLine(p).includes(expected);
  // The group the leader led (its pid is the group's id): its members, left behind if it died first.
  const left = () => [...new Set([pid, ...groupMembers(pid)])].filter(ours);
  // A live leader stops its own children (nginx's master its workers, gracefully); without one,
  // the orphans are told directly.
  const first = ours(pid) ? [pid] : left();
  if (first.length === 0) return false;
  for (const p of first) { try { process.kill(p, signal); } catch { /* gone */ } }
  for (let i = 0; i < 50 && left().some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  for (const p of left()) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
  return true;
}

function commandLine(pid: number): string {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '); } catch { return ''; }
}

/** The processes whose process group is `pgid` (field 5 of /proc/<pid>/stat). */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const fields = readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      if (Number(fields[2]) === pgid) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

export function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  // A zombie (exited, not yet reaped by its parent) is not running.
  try { return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}
