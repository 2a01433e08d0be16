import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/local/proc.js';
import { alive } from '../src/proc/leftovers.js';
import { pidsInCgroup } from '../scripts/local/node/cgroups.js';
import { mountsUnder } from '../scripts/local/node/mount-ns.js';
import { stackNamespaces } from '../scripts/local/node/netns.js';
import { netnsName } from '../scripts/local/node/real-node.js';
import { eventually } from './helpers/full.js';

/**
 * `npm start` stopped the way process managers stop it: a signal to the one process they started
 * (npm), which does not pass SIGTERM or SIGINT on to its script. Everything the platform started
 * must stop, in seconds; and after a run killed outright, the next start must clean up after it.
 * Each start is a whole local stack (PostgreSQL, two etcds, kube-apiserver, controller-manager,
 * the node — real by default, as root — the API, the worker and the gateway) on ports of its own.
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

  type Ports = Pick<NodeJS.ProcessEnv, 'PORT' | 'YUNBANG_GATEWAY_PORT' | 'YUNBANG_GATEWAY_STATUS_PORT' | 'YUNBANG_PROMETHEUS_PORT' | 'YUNBANG_ALERTMANAGER_PORT'>;
  async function npmStart(extra: NodeJS.ProcessEnv = {}, dir = home, given?: Ports): Promise<{ npm: ChildProcess; output: () => string; ports: Ports }> {
    const ports = given ?? { PORT: String(await freePort()), YUNBANG_GATEWAY_PORT: String(await freePort()), YUNBANG_GATEWAY_STATUS_PORT: String(await freePort()), YUNBANG_PROMETHEUS_PORT: String(await freePort()), YUNBANG_ALERTMANAGER_PORT: String(await freePort()) };
    const env: NodeJS.ProcessEnv = { ...process.env, YUNBANG_HOME: dir, YUNBANG_STACK_PORTS: 'random', LOG_LEVEL: 'warn', ...extra, ...ports };
    delete env.DATABASE_URL; delete env.ETCD_ENDPOINTS; delete env.KUBECONFIG;
    const npm = spawn('npm', ['start'], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(npm);
    let text = '';
    npm.stdout!.on('data', (d) => { text += d; });
    npm.stderr!.on('data', (d) => { text += d; });
    const deadline = Date.now() + 120_000;
    while (!text.includes('[yunbang] ready')) {
      if (npm.exitCode !== null || Date.now() > deadline) {
        // Stopped as a person would (it stops what it started), so the next test starts afresh.
        if (npm.exitCode === null) {
          npm.kill('SIGTERM');
          await new Promise((r) => { npm.once('exit', r); setTimeout(r, 60_000); });
        }
        // The log it points at goes with the error: the folder is removed after the tests.
        const log = /\(see ([^)\s]+\.log)\)/.exec(text)?.[1];
        const tail = log && existsSync(log) ? `\n--- ${log} ---\n${readFileSync(log, 'utf8').slice(-2000)}` : '';
        throw new Error(`npm start did not get ready:\n${text.slice(-3000)}${tail}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return { npm, output: () => text, ports };
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

  // The simulated node here: it starts in a third of the time and has the same signal path. The
  // default stack (a real node, as root) gets SIGTERM in the last test.
  const simulated = { YUNBANG_LOCAL_NODE: 'simulated' };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`${signal} to npm stops everything it started within seconds`, async () => {
      const { npm, output } = await npmStart(simulated);
      expect(output()).toMatch(/Pods run on a simulated node/);
      const tree = descendants(npm.pid!);
      // The stack really is below npm: servers of every kind.
      const commands = tree.map(commandOf).join('\n');
      for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'postgres', 'nginx: master', 'run-local.ts']) expect(commands).toContain(name);
      npm.kill(signal);
      expect(await gone(tree, 20_000)).toEqual([]);
    }, 150_000);
  }

  it('after a run killed outright (SIGKILL), nginx master included, the next start on the same ports stops what it left and starts', async () => {
    const { npm, ports } = await npmStart(simulated);
    const tree = descendants(npm.pid!);
    // Everything a `kill -9` of the run's own processes reaches, and the gateway's nginx master:
    // its workers outlive it and go on holding the gateway's ports.
    for (const pid of [npm.pid!, ...tree.filter((p) => /start\.mjs|run-local\.ts|sh -c|nginx: master/.test(commandOf(p)))]) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    await new Promise((r) => setTimeout(r, 500));
    const left = tree.filter(alive).filter((p) => /etcd|kube-|postgres|nginx/.test(commandOf(p)));
    expect(left.map(commandOf).join('\n')).toMatch(/nginx: worker process/); // orphaned workers, still listening
    expect(left.map(commandOf).join('\n')).toMatch(/etcd/); // servers holding data dirs and ports

    // Started again as a person would: the same command, so the same ports.
    const next = await npmStart(simulated, home, ports);
    expect(next.output()).toMatch(/stopped what a killed earlier run left running: .*etcd/);
    expect(next.output()).toMatch(/stopped the gateway nginx a killed earlier run left running/);
    expect(await gone(left, 5_000)).toEqual([]);
    const tree2 = descendants(next.npm.pid!);
    next.npm.kill('SIGTERM');
    expect(await gone(tree2, 20_000)).toEqual([]);
  }, 240_000);

  it('with the default real node, after a run killed outright the next start leaves no container, mount, namespace or bridge of it; SIGTERM stops it all', async () => {
    const dir = mkdtempSync(join(inject('stack').dir, 'start-real-'));
    const real = {}; // npm start's default as root
    const { npm, output } = await npmStart(real, dir);
    expect(output()).toMatch(/Pods run as real containers/);
    const nodeDir = join(dir, 'node');
    const network = netnsName(nodeDir);
    const cgroupRoot = `/yunbang/${network}`;
    // A pod of its own, so there is a container (and its mounts, inside the node's mount namespace) to leave behind.
    const env = Object.fromEntries(readFileSync(join(dir, 'local.env'), 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(env.KUBECONFIG!);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await eventually('the default service account', async () => Boolean(await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' })), 30_000);
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'left' }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } });
    await eventually('the pod running', async () => (await core.readNamespacedPod({ name: 'left', namespace: 'default' })).status?.phase === 'Running', 60_000);
    const containers = pidsInCgroup(cgroupRoot);
    expect(containers.length).toBeGreaterThanOrEqual(2); // the pause process and nginx's master and worker
    expect(stackNamespaces()).toContain(network);
    expect(mountsUnder(nodeDir).length).toBeGreaterThan(0); // the node's mount namespace, held open by a bind mount
    const bridges = () => { try { return execFileSync('ip', ['-n', network, '-o', 'link', 'show', 'type', 'bridge'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).length; } catch { return 0; } };
    expect(bridges()).toBe(1);

    const tree = descendants(npm.pid!);
    for (const pid of [npm.pid!, ...tree.filter((p) => /start\.mjs|run-local\.ts|sh -c/.test(commandOf(p)))]) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(containers.filter(alive).length).toBeGreaterThan(0); // containers outlive a killed stack

    const next = await npmStart(real, dir);
    expect(next.output()).toMatch(/cleaned what a killed earlier run left on the node: \d+ processes, network namespace yb-/);
    expect(containers.filter(alive)).toEqual([]);
    const tree2 = descendants(next.npm.pid!);
    const commands = tree2.map(commandOf).join('\n');
    for (const name of ['etcd', 'kube-apiserver', 'kube-scheduler', 'postgres', 'nginx: master', 'containerd', 'kubelet', 'kube-proxy']) expect(commands).toContain(name);
    next.npm.kill('SIGTERM');
    expect(await gone(tree2, 30_000)).toEqual([]);
    expect(pidsInCgroup(cgroupRoot)).toEqual([]);
    expect(existsSync(`/sys/fs/cgroup/pids${cgroupRoot}`)).toBe(false);
    expect(stackNamespaces()).not.toContain(network);
    expect(mountsUnder(dir)).toEqual([]);
  }, 400_000);
});
