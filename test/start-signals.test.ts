import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/local/proc.js';
import { alive } from '../src/proc/leftovers.js';

/**
 * `npm start` stopped the way process managers stop it: a signal to the one process they started
 * (npm), which does not pass SIGTERM or SIGINT on to its script. Everything the platform started
 * must stop, in seconds; and after a run killed outright, the next start must clean up after it.
 * Each start is a whole local stack (PostgreSQL, two etcds, kube-apiserver, controller-manager,
 * the simulated node, the API, the worker and the gateway) on ports of its own.
 */
describe('npm start under process managers', () => {
  const home = mkdtempSync(join(inject('stack').dir, 'start-'));
  const started: ChildProcess[] = [];
  afterAll(() => {
    for (const c of started) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  /** Every process below `root`, by parent pid (detached ones included). */
  const descendants = (root: number): number[] => {
    const parents = new Map<number, number>();
    for (const d of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      try { parents.set(Number(d), Number(readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1])); } catch { /* gone */ }
    }
    const out: number[] = [];
    const walk = (pid: number) => { for (const [c, p] of parents) if (p === pid) { out.push(c); walk(c); } };
    walk(root);
    return out;
  };
  const commandOf = (pid: number) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(); } catch { return ''; } };

  async function npmStart(): Promise<{ npm: ChildProcess; output: () => string }> {
    const env: NodeJS.ProcessEnv = {
      ...process.env, YUNBANG_HOME: home, YUNBANG_STACK_PORTS: 'random', LOG_LEVEL: 'warn',
      PORT: String(await freePort()), YUNBANG_GATEWAY_PORT: String(await freePort()), YUNBANG_GATEWAY_STATUS_PORT: String(await freePort()),
    };
    delete env.DATABASE_URL; delete env.ETCD_ENDPOINTS; delete env.KUBECONFIG;
    const npm = spawn('npm', ['start'], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(npm);
    let text = '';
    npm.stdout!.on('data', (d) => { text += d; });
    npm.stderr!.on('data', (d) => { text += d; });
    const deadline = Date.now() + 90_000;
    while (!text.includes('[yunbang] ready')) {
      if (npm.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not get ready:\n${text.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { npm, output: () => text };
  }

  const gone = async (pids: number[], withinMs: number) => {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const left = pids.filter(alive);
      if (left.length === 0) return [];
      if (Date.now() > deadline) return left.map((p) => `${p} ${commandOf(p)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`${signal} to npm stops everything it started within seconds`, async () => {
      const { npm } = await npmStart();
      const tree = descendants(npm.pid!);
      // The stack really is below npm: servers of every kind.
      const commands = tree.map(commandOf).join('\n');
      for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'postgres', 'nginx: master', 'run-local.ts']) expect(commands).toContain(name);
      npm.kill(signal);
      expect(await gone(tree, 20_000)).toEqual([]);
    }, 150_000);
  }

  it('after a run killed outright (SIGKILL), the next start stops what it left and starts', async () => {
    const { npm } = await npmStart();
    const tree = descendants(npm.pid!);
    for (const pid of [npm.pid!, ...tree.filter((p) => /start\.mjs|run-local\.ts|sh -c/.test(commandOf(p)))]) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    await new Promise((r) => setTimeout(r, 500));
    const left = tree.filter(alive).filter((p) => /etcd|kube-|postgres|nginx/.test(commandOf(p)));
    expect(left.length).toBeGreaterThan(0); // what a killed run leaves: servers holding data dirs and ports

    const next = await npmStart();
    expect(next.output()).toMatch(/stopped what a killed earlier run left running: .*etcd/);
    expect(await gone(left, 5_000)).toEqual([]);
    const tree2 = descendants(next.npm.pid!);
    next.npm.kill('SIGTERM');
    expect(await gone(tree2, 20_000)).toEqual([]);
  }, 240_000);
});
