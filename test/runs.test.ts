import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoFile } from '../scripts/generated.js';
import { gql } from './helpers/clients.js';
import { eventually } from './helpers/full.js';
import { ADMIN } from './helpers/platform.js';
import { startRealNodePlatform, type RealNodePlatform } from './helpers/real-node.js';

/**
 * Issue 24's one-off commands on the real node (`yb run`, Heroku's `heroku run`): a Job of one
 * pod from the app's current release, with its config. Attached, the output streams live and yb
 * exits with the command's exit code; leaving cancels it; detached, the output is in the app's
 * logs. The run's pod is never one of the app's replicas.
 */
describe('one-off commands (yb run), on the real node', { timeout: 300_000 }, () => {
  let r: RealNodePlatform;
  const home = mkdtempSync(join(tmpdir(), 'yb-run-home-'));
  const env = () => ({ PATH: process.env.PATH!, HOME: home, NO_COLOR: '1', YUNBANG_URL: r.p.url, YUNBANG_TOKEN: ADMIN });
  const yb = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [repoFile('packages/cli/bin/yb.js'), '--team', r.team, '--app', 'tool', ...args], { env: env(), timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });

  beforeAll(async () => {
    r = await startRealNodePlatform();
    const created = await r.admin('POST', `/teams/${r.team}/apps`, { name: 'tool', image: 'registry.example/stand-in:latest', port: 8080, env: [{ name: 'GREETING', value: 'from-config' }] });
    expect(created.status).toBe(201);
    await r.status('tool', (s) => s.health === 'Ready', 90_000);
  });
  afterAll(async () => { await r?.close(); });

  it('refuses what it cannot run, naming the field', async () => {
    const empty = await r.admin('POST', `/teams/${r.team}/apps/tool/runs`, { command: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.errors.map((e: { field: string }) => e.field)).toContain('command');
    const long = await r.admin('POST', `/teams/${r.team}/apps/tool/runs`, { command: ['true'], timeoutSeconds: 100_000 });
    expect(long.status).toBe(400);
    const usage = await yb(['run']);
    expect(usage.code).toBe(2);
  });

  it('attached: the output streams live with the app\'s config, and yb exits with the command\'s exit code', async () => {
    // The first line arrives while the command still runs (it sleeps 3 s before the second).
    const started = Date.now();
    const child = spawn(process.execPath, [repoFile('packages/cli/bin/yb.js'), '--team', r.team, '--app', 'tool', 'run', '--',
      'sh', '-c', 'echo "first $GREETING"; sleep 3; echo second; exit 3'], { env: env() });
    let out = '';
    let firstAt = 0;
    child.stdout.on('data', (d) => { out += d; if (!firstAt && out.includes('first from-config')) firstAt = Date.now(); });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    const ended = Date.now();
    expect(code, err).toBe(3);
    expect(out).toBe('first from-config\nsecond\n');
    expect(ended - firstAt).toBeGreaterThan(2000); // streamed, not printed at the end
    expect(firstAt).toBeGreaterThan(started);

    // Recorded: who, what, how it ended; an audit event names the command.
    const runs = (await r.admin('GET', `/teams/${r.team}/apps/tool/runs`)).body;
    expect(runs[0]).toMatchObject({ command: ['sh', '-c', 'echo "first $GREETING"; sleep 3; echo second; exit 3'], status: 'failed', exitCode: 3, attached: true, createdBy: 'admin' });
    const events = (await r.admin('GET', `/teams/${r.team}/events`)).body as { action: string; message: string }[];
    expect(events.map((e) => `${e.action}: ${e.message}`)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^app\.run: attached run of release 1: sh -c 'echo "first \$GREETING"; sleep 3; echo second; exit 3'$/),
      expect.stringMatching(/^app\.run-finished: failed \(exit 3\) after \d+ s: sh -c/),
    ]));
    const ok = await yb(['run', '--', 'true']);
    expect(ok.code, ok.stderr).toBe(0);
    // Never one of the app's replicas: the app still has one.
    expect((await r.admin('GET', `/teams/${r.team}/apps/tool`)).body.status.readyReplicas).toBe(1);
  });

  it('leaving an attached run cancels it; detached, its output is in the app\'s logs; past its time limit it is stopped', async () => {
    const graph = gql(r.p.url, ADMIN);
    // Attached, then the caller goes (Ctrl-C): the run is cancelled and its pod stops.
    const child = spawn(process.execPath, [repoFile('packages/cli/bin/yb.js'), '--team', r.team, '--app', 'tool', 'run', '--', 'sh', '-c', 'echo waiting; sleep 600'], { env: env() });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    await eventually('the long run to print', async () => (out.includes('waiting') ? true : undefined), 60_000);
    child.kill('SIGINT');
    expect(await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)))).toBe(130);
    const cancelled = await eventually('the run cancelled', async () => {
      const [last] = (await r.admin('GET', `/teams/${r.team}/apps/tool/runs?limit=1`)).body;
      return last.status === 'cancelled' ? last : undefined;
    }, 30_000);
    expect(cancelled.command).toEqual(['sh', '-c', 'echo waiting; sleep 600']);
    await eventually('the cancelled run\'s pod to be gone', async () => (
      (await r.core.listNamespacedPod({ namespace: `yb-${r.team}`, labelSelector: `yunbang.dev/run=${cancelled.id}` })).items.length === 0 ? true : undefined), 60_000);

    // Detached: the output goes to the app's logs.
    const detached = await yb(['run', '--detach', '--', 'sh', '-c', 'echo detached-output-7f3a']);
    expect(detached.code, detached.stderr).toBe(0);
    expect(detached.stdout).toMatch(/detached \(run [0-9a-f-]{36}\)/);
    await eventually('the detached output in the app\'s logs', async () => {
      const logs = await yb(['logs', '--since', '10m', '--grep', 'detached-output-7f3a']);
      return logs.stdout.includes('detached-output-7f3a') ? true : undefined;
    }, 90_000);

    // A time limit: stopped, said so, and yb exits 124 as timeout(1) does.
    const late = await yb(['run', '--timeout', '2', '--', 'sleep', '30']);
    expect(late.code).toBe(124);
    expect(late.stderr).toMatch(/timed-out: stopped at its time limit \(2 s\)/);
    const list = await graph(`query($t: String!) { app(team: $t, name: "tool") { runs(limit: 5) { status exitCode error command } } }`, { t: r.team });
    expect(list.errors).toBeUndefined();
    expect(list.data.app.runs[0]).toMatchObject({ status: 'timed-out', command: ['sleep', '30'] });
  });
});
