import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { uniq } from './helpers/fixtures.js';
import { eventually, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { startGitServer, type GitServer } from './helpers/git-server.js';
import { ADMIN } from './helpers/platform.js';
import { freePort } from '../scripts/local/proc.js';
import { repoFile } from '../scripts/generated.js';
import { getFromPod, localRealNode } from './helpers/pods.js';

interface Result { code: number; stdout: string; stderr: string }

// `yb` as users run it: a subprocess (packages/cli, built by npm test's prepare step), its config
// in a home of its own, against the real stack.
// On `local`'s node, real by default: `yb deploy` runs real builds (the Kaniko stand-in), 30-60 s each.
describe('yb, the command line', { timeout: 240_000 }, () => {
  let p: FullPlatform;
  let git: GitServer;
  let admin: ReturnType<typeof rest>;
  const home = mkdtempSync(join(tmpdir(), 'yb-home-'));
  const checkout = mkdtempSync(join(tmpdir(), 'yb-checkout-'));
  const team = uniq('cli');
  let repo: ReturnType<GitServer['repo']>;

  /** Runs yb; never throws: the exit code is part of the result. */
  const yb = (args: string[], o: { env?: Record<string, string>; cwd?: string } = {}) => new Promise<Result>((resolve) => {
    execFile(process.execPath, [repoFile('packages/cli/bin/yb.js'), ...args], {
      cwd: o.cwd ?? checkout, timeout: 120_000,
      env: { PATH: process.env.PATH!, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), NO_COLOR: '1', ...o.env },
    }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
  const json = async (args: string[]) => {
    const r = await yb([...args, '--json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };

  beforeAll(async () => {
    p = await startFullPlatform();
    admin = rest(p.url, ADMIN);
    git = await startGitServer();
    const g = (...args: string[]) => new Promise<void>((resolve, reject) => execFile('git', args, { cwd: checkout }, (err) => (err ? reject(err) : resolve())));
    await g('init', '-q');
  });
  afterAll(async () => { await git?.close(); await p?.close(); });

  it('logs in (the token checked, kept 0600), creates a team, and refuses usage mistakes with exit code 2', async () => {
    const bad = await yb(['login', '--url', p.url, '--token', 'ybt_wrong']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('a valid bearer token is required');
    const ok = await yb(['login', '--url', p.url, '--token', ADMIN]);
    expect(ok.code, ok.stderr).toBe(0);
    const config = join(home, '.config', 'yunbang', 'config.json');
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toMatchObject({ url: p.url, token: ADMIN });
    expect((await yb(['teams:create', team])).code).toBe(0);
    expect((await json(['teams'])).map((t: { name: string }) => t.name)).toContain(team);
    for (const args of [['ps:scale', 'many', '--team', team, '--app', 'x'], ['apps:create', 'x', '--team', team], ['no-such-command'], ['apps:create']]) {
      const r = await yb(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect((await yb(['ps:scale', 'many', '--team', team, '--app', 'x'])).stderr).toContain('"many" is not a number of replicas');
    // Refused by the server: its message and field errors, exit code 1.
    const refused = await yb(['apps:create', 'Bad_Name', '--image', 'nginx', '--team', team]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('name');
  });

  it('creates a git app from inside a checkout (linking it), deploys it with the build log streamed, and scales it', async () => {
    repo = git.repo(`site-${team}`);
    repo.write({ 'index.html': '<h1>hi</h1>' });
    repo.commit('first');
    repo.push();
    const created = await yb(['apps:create', 'site', '--git', git.url(`site-${team}`), '--branch', 'main', '--port', '8080', '--team', team]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('linked');
    await eventually('the first build ended', async () => {
      const b = (await admin('GET', `/teams/${team}/apps/site/builds`)).body[0];
      return b && ['succeeded', 'failed'].includes(b.status);
    }, 180_000); // on the real node the first build also pulls the detector's and the builder's images
    // Compared once the app stands still: read during its first build, the two reads raced it.
    await eventually('the first release rolled out', async () => {
      const a = (await admin('GET', `/teams/${team}/apps/site`)).body;
      return a.currentRelease === 1 && a.status?.health === 'Ready' && a.status.observedGeneration === a.generation;
    }, 60_000);
    // The checkout now names the app and team: no --app or --team from here on.
    const info = await json(['apps:info']);
    expect(info).toEqual((await admin('GET', `/teams/${team}/apps/site`)).body);
    const deploy = await yb(['deploy']);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stdout).toMatch(localRealNode() ? /kaniko \(local stand-in: Debian's buildah/ : /\(simulated Kaniko\)/);
    expect(deploy.stdout).toContain('deployed site');
    const builds = await json(['builds']);
    expect(builds).toEqual((await admin('GET', `/teams/${team}/apps/site/builds`)).body);
    expect(builds[0].status).toBe('succeeded');

    const scaled = await yb(['ps:scale', '2', '--wait']);
    expect(scaled.code, scaled.stderr).toBe(0);
    const ps = await json(['ps']);
    expect(ps.status).toMatchObject({ health: 'Ready', readyReplicas: 2, desiredReplicas: 2 });
    expect(ps.status).toEqual((await admin('GET', `/teams/${team}/apps/site`)).body.status);
    // What really runs the image is said: on the simulated node a stand-in; on the real one the
    // image the build pushed runs itself, and nothing is said.
    if (localRealNode()) {
      expect(ps.imageServedBy).toBeNull();
      expect((await yb(['ps'])).stdout).not.toMatch(/served locally/);
      // Autoscaling (the real node's cluster serves metrics.k8s.io): on, a hand-set count refused naming the rule, off.
      const enabled = await yb(['ps:autoscale:enable', '--min', '2', '--max', '3', '--cpu', '80', '--scale-to-zero', '30']);
      expect(enabled.code, enabled.stderr).toBe(0);
      expect(enabled.stdout).toMatch(/autoscaling site: 2–3 replicas on CPU 80%, asleep after 30 min idle \(beta\)/);
      expect(await json(['ps:autoscale'])).toMatchObject({ min: 2, max: 3, cpuPercent: 80, memoryPercent: null, scaleToZeroAfterMinutes: 30 });
      expect((await yb(['ps'])).stdout).toMatch(/autoscaled: 2–3 replicas on CPU 80%, asleep after 30 min idle \(beta\); /);
      const refused = await yb(['ps:scale', '1']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/autoscaled \(2–3 replicas\): turn autoscaling off/);
      const aimless = await yb(['ps:autoscale:enable', '--min', '1', '--max', '2']);
      expect(aimless.code).toBe(2);
      expect(aimless.stderr).toMatch(/give a target: --cpu <percent>, --memory <percent>, --requests <per-second> or --p95 <ms>/);
      const zero = await yb(['ps:autoscale:enable', '--min', '1', '--max', '2', '--requests', '0']);
      expect(zero.code).toBe(2);
      expect(zero.stderr).toMatch(/--requests must be a number above 0, not "0"/);
      // A request target needs the platform's Prometheus, which this one has not: refused, saying so.
      const noProm = await yb(['ps:autoscale:enable', '--min', '1', '--max', '2', '--p95', '250']);
      expect(noProm.code).toBe(1);
      expect(noProm.stderr).toMatch(/no Prometheus \(YUNBANG_PROMETHEUS_URL\).*aim at CPU or memory instead/);
      const off = await yb(['ps:autoscale:disable']);
      expect(off.code, off.stderr).toBe(0);
      expect(off.stdout).toMatch(/site is scaled by hand again: [23] replica/);
    } else {
      expect(ps.imageServedBy).toMatch(/simulated node's stand-in/);
      expect((await yb(['ps'])).stdout).toMatch(/served locally by the simulated node's stand-in HTTP server/);
    }
  });

  it('sets and unsets config (new releases), lists releases, rolls back, and reads the logs', async () => {
    expect((await yb(['config:set', 'GREETING=hello', 'MODE=demo'])).code).toBe(0);
    expect(await json(['config'])).toEqual({ GREETING: 'hello', MODE: 'demo' });
    expect((await yb(['config:unset', 'MODE'])).code).toBe(0);
    expect((await admin('GET', `/teams/${team}/apps/site`)).body.env).toEqual([{ name: 'GREETING', value: 'hello' }]);
    const releases = await json(['releases']);
    expect(releases).toEqual((await admin('GET', `/teams/${team}/apps/site/releases`)).body);
    const current = (await admin('GET', `/teams/${team}/apps/site`)).body.currentRelease;
    const back = await yb(['rollback', String(current - 2)]);
    expect(back.code, back.stderr).toBe(0);
    const after = (await admin('GET', `/teams/${team}/apps/site`)).body;
    expect(after.currentRelease).toBe(current + 1);
    expect(after.env).toEqual([]);
    const logs = await eventually('log lines', async () => {
      const r = await json(['logs']);
      return r.length > 0 && r;
    }, 30_000);
    expect(logs[0]).toHaveProperty('pod');
    // The rollback's new pod ready and the old one gone, so the request below reaches a pod that is followed.
    await eventually('the rollback rolled out', async () => {
      const a = (await admin('GET', `/teams/${team}/apps/site`)).body;
      const pods = (await p.core.listNamespacedPod({ namespace: `yb-${team}`, labelSelector: 'yunbang.dev/app=site' })).items;
      return a.status?.health === 'Ready' && a.status.observedGeneration === a.generation && pods.length === a.replicas && pods.every((x) => !x.metadata?.deletionTimestamp);
    }, 90_000);
    // --tail follows: a request to the app shows up as it is printed.
    const follow = spawn(process.execPath, [repoFile('packages/cli/bin/yb.js'), 'logs', '--tail', '--json'], {
      cwd: checkout, env: { PATH: process.env.PATH!, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), NO_COLOR: '1' },
    });
    let out = '';
    follow.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    try {
      // The tail first: the simulated stand-in's start line, or the real site's (Caddy's) own.
      await eventually('the tail', async () => out.split('\n').some((l) => l.startsWith('{')), 15_000);
      const pod = (await p.core.listNamespacedPod({ namespace: `yb-${team}`, labelSelector: 'yunbang.dev/app=site' })).items.find((x) => x.status?.podIP)!;
      expect((await getFromPod(pod.status!.podIP!, 8080, '/followed')).status).toBe(localRealNode() ? 404 : 200);
      // The request's access-log line: the stand-in's "GET /followed 200", Caddy's JSON ("uri":"/followed").
      await eventually('the new line', async () => out.includes('/followed'), 15_000);
    } finally {
      follow.kill('SIGINT');
    }
    expect((await yb(['domains:add', `${team}.example.com`])).code).toBe(0);
    expect((await json(['domains'])).custom).toEqual([`${team}.example.com`]);
  });

  it('a deploy whose build fails exits 1 with the reason, and the app keeps its release; ps --watch follows changes live', async () => {
    const before = (await admin('GET', `/teams/${team}/apps/site`)).body;
    repo.write({ Dockerfile: 'RUN echo there is no base image\n' });
    repo.commit('broken');
    repo.push();
    const failed = await yb(['deploy']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('the first instruction must be FROM'); // the build's own log, streamed
    expect(failed.stderr).toMatch(/build #\d+ failed/);
    expect((await admin('GET', `/teams/${team}/apps/site`)).body.currentRelease).toBe(before.currentRelease);

    const watch = spawn(process.execPath, [repoFile('packages/cli/bin/yb.js'), 'ps', '--watch', '--json'], {
      cwd: checkout, env: { PATH: process.env.PATH!, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), NO_COLOR: '1' },
    });
    const lines: { desiredReplicas: number; readyReplicas: number }[] = [];
    watch.stdout.on('data', (b: Buffer) => { for (const l of b.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l)); });
    try {
      await eventually('the first status', async () => lines.length > 0, 10_000);
      await admin('PATCH', `/teams/${team}/apps/site`, { replicas: 1 });
      await eventually('the scale seen live', async () => lines.some((l) => l.desiredReplicas === 1 && l.readyReplicas === 1), 30_000);
    } finally {
      watch.kill('SIGINT');
    }
  });

  it('installs MySQL from the market, adds it as a dependency, manages tokens, reads events, and destroys the app', async () => {
    const installed = await yb(['market:install', 'mysql', 'db']);
    expect(installed.code, installed.stderr).toBe(0);
    const dbApp = (await admin('GET', `/teams/${team}/apps`)).body.find((a: { installation: string | null }) => a.installation === 'db').name;
    expect((await yb(['deps:add', dbApp])).code).toBe(0);
    expect((await admin('GET', `/teams/${team}/apps/site`)).body.dependencies).toEqual([{ team, app: dbApp }]);

    const token = await yb(['tokens:create', 'ci', '--role', 'viewer']);
    expect(token.code, token.stderr).toBe(0);
    const secret = token.stdout.trim();
    expect(secret).toMatch(/^ybt_/);
    const tokens = await json(['tokens']);
    expect(tokens).toEqual((await admin('GET', `/tokens?team=${team}`)).body);
    // The viewer token, through yb: reads work, changes are refused with the server's words.
    const asViewer = { YUNBANG_URL: p.url, YUNBANG_TOKEN: secret };
    expect((await yb(['apps', '--json'], { env: asViewer })).code).toBe(0);
    const refused = await yb(['restart'], { env: asViewer });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('viewer');
    expect((await yb(['tokens:revoke', tokens.find((t: { name: string }) => t.name === 'ci').id])).code).toBe(0);
    const revoked = await yb(['apps'], { env: asViewer });
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('yb login');
    expect((await json(['events'])).some((e: { action: string }) => e.action === 'token.revoke')).toBe(true);

    expect((await yb(['deps:remove', dbApp])).code).toBe(0);
    const wrong = await yb(['apps:destroy', '--confirm', 'other']);
    expect(wrong.code).toBe(2);
    const destroyed = await yb(['apps:destroy', '--confirm', 'site']);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    await eventually('site gone', async () => (await admin('GET', `/teams/${team}/apps/site`)).status === 404, 30_000);
  });

  it('a stopped server and a 429 with Retry-After give clear messages and exit 1; a 429 that clears is retried', async () => {
    const down = await yb(['apps', '--team', team], { env: { YUNBANG_URL: `http://127.0.0.1:${await freePort()}`, YUNBANG_TOKEN: ADMIN } });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach/);
    let calls = 0;
    let busyFor = 1;
    const busy: Server = createServer((_req, res) => {
      calls++;
      if (calls <= busyFor) {
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'about:blank', title: 'Too Many Requests', status: 429, code: 'RATE_LIMITED', detail: 'slow down: at most 10 a minute' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    });
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const env = { YUNBANG_URL: `http://127.0.0.1:${(busy.address() as AddressInfo).port}`, YUNBANG_TOKEN: ADMIN };
    try {
      const retried = await yb(['apps', '--team', team, '--json'], { env });
      expect(retried.code, retried.stderr).toBe(0);
      expect(retried.stderr).toContain('trying again in 1 s');
      expect(calls).toBe(2);
      calls = 0;
      busyFor = 100;
      const gaveUp = await yb(['apps', '--team', team], { env });
      expect(gaveUp.code).toBe(1);
      expect(gaveUp.stderr).toContain('slow down: at most 10 a minute');
      expect(calls).toBe(4); // four attempts in all
    } finally {
      busy.close();
    }
  });

  it('logout forgets the token; help and completion work without logging in', async () => {
    expect((await yb(['logout'])).code).toBe(0);
    const r = await yb(['apps', '--team', team]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('yb login');
    const help = await yb(['deploy', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--ref');
    const completion = await yb(['completion', 'bash']);
    expect(completion.stdout).toContain('complete -F _yb yb');
    expect(completion.stdout).toContain('config:set');
  });
});
