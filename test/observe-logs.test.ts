import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, gql, rest } from './helpers/clients.js';
import { makeTeam, makeToken } from './helpers/fixtures.js';
import { eventually } from './helpers/full.js';
import { viaGateway } from './helpers/gateway.js';
import { ADMIN } from './helpers/platform.js';
import { accessibilityProblems, launchChromium, screenshot, signedInPage } from './helpers/browser.js';
import { startRealNodePlatform, type RealNodePlatform } from './helpers/real-node.js';
import { freePort } from '../scripts/local/proc.js';
import { repoFile } from '../scripts/generated.js';

/** A syslog receiver on loopback: octet-counted RFC 5424 frames (RFC 6587), as a log service takes them. */
async function syslogReceiver() {
  const messages: string[] = [];
  const server: Server = createServer((socket) => {
    let buf = Buffer.alloc(0);
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const sp = buf.indexOf(0x20);
        if (sp < 0) break;
        const n = Number(buf.subarray(0, sp).toString());
        if (buf.length < sp + 1 + n) break;
        messages.push(buf.subarray(sp + 1, sp + 1 + n).toString());
        buf = buf.subarray(sp + 1 + n);
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { port, messages, close: () => new Promise<void>((r) => { server.close(() => r()); }) };
}

/**
 * Apps' logs kept after their pods are gone (the worker follows each replica's log into
 * PostgreSQL), searched by time and text, and sent on to drains, on the real node: the lines are
 * what real containers printed (the stand-in server logs each request).
 */
describe('logs: kept after the pod is gone, searchable, drained', { timeout: 120_000 }, () => {
  let r: RealNodePlatform;
  let host: string;
  let syslog: Awaited<ReturnType<typeof syslogReceiver>>;
  const home = mkdtempSync(join(tmpdir(), 'yb-logs-'));
  const yb = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [repoFile('packages/cli/bin/yb.js'), ...args], {
      timeout: 60_000, env: { PATH: process.env.PATH!, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), NO_COLOR: '1', YUNBANG_URL: r.p.url, YUNBANG_TOKEN: ADMIN, YUNBANG_TEAM: r.team },
    }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });

  beforeAll(async () => {
    syslog = await syslogReceiver();
    r = await startRealNodePlatform({ YUNBANG_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1' });
    const created = await r.admin('POST', `/teams/${r.team}/apps`, { name: 'talk', image: 'registry.example/stand-in:latest', port: 8080, replicas: 2 });
    expect(created.status).toBe(201);
    host = created.body.defaultDomain;
    await r.status('talk', (s) => s.health === 'Ready' && s.readyReplicas === 2, 90_000);
    await eventually('the gateway to route to talk', async () => (await viaGateway(r.gw, host)).status === 200, 20_000);
    // nginx's previous workers accept connections for a moment after a reload: wait until none does.
    await r.gw.gateway.settled();
  });
  afterAll(async () => { await r?.close(); await syslog?.close(); });

  let kept = { token: '', gone: '' };
  it('lines a replica printed are found by `yb logs --grep` after that replica was deleted', async () => {
    const token = randomBytes(5).toString('hex');
    for (let i = 0; i < 20; i++) expect((await viaGateway(r.gw, host, `/kept-${token}-${i}`)).status, `request ${i}`).toBe(200);
    const found = await eventually('the 20 lines kept', async () => {
      const res = await r.admin('GET', `/teams/${r.team}/apps/talk/log-lines?since=10m&grep=kept-${token}`);
      return res.body.lines?.length === 20 ? res.body : undefined;
    }, 30_000);
    const pods = [...new Set(found.lines.map((l: { pod: string }) => l.pod))] as string[];
    expect(pods.length).toBeGreaterThan(0);
    const gone = pods[0]!;
    await r.core.deleteNamespacedPod({ name: gone, namespace: `yb-${r.team}` });
    await eventually(`${gone} to be gone`, async () => !(await r.podsOf('talk')).some((p) => p.metadata!.name === gone) && !(await r.core.readNamespacedPod({ name: gone, namespace: `yb-${r.team}` }).then(() => true, () => false)), 60_000);

    const out = await yb(['logs', '--app', 'talk', '--since', '10m', '--grep', `kept-${token}`, '--json']);
    expect(out.code, out.stderr).toBe(0);
    const lines = JSON.parse(out.stdout).lines as { pod: string; line: string; at: string }[];
    expect(lines).toHaveLength(20);
    expect(lines.filter((l) => l.pod === gone).length).toBe(found.lines.filter((l: { pod: string }) => l.pod === gone).length);
    expect(lines.every((l) => /GET \/kept-[0-9a-f]{10}-\d+ 200$/.test(l.line))).toBe(true);
    // Oldest first, in the order they were printed.
    expect(lines.map((l) => l.at)).toEqual([...lines.map((l) => l.at)].sort());
    const text = await yb(['logs', '--app', 'talk', '--since', '10m', '--grep', `kept-${token}-7 `]);
    expect(text.stdout.trim().split('\n')).toHaveLength(1);
    expect(text.stdout).toContain(`/kept-${token}-7 200`);
    kept = { token, gone };
  });

  it("the console's logs tab searches the kept lines, the deleted replica's included (Chromium)", async () => {
    expect(kept.token).not.toBe('');
    const browser = await launchChromium();
    try {
      const page = await signedInPage(browser, r.p.url, ADMIN, { width: 1280, height: 900 });
      await page.goto(`/teams/${r.team}/apps/talk/logs`);
      await page.getByText('Search kept lines').click();
      await page.getByLabel('Containing').fill(`kept-${kept.token}`);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByTestId('log-search-count').getByText('20 lines').waitFor();
      const text = await page.getByTestId('log-search').textContent();
      expect(text).toContain(`${kept.gone.slice(-5)} | `);
      expect(text!.split('\n')).toHaveLength(20);
      await screenshot(page, 'app-log-search');
      expect(await accessibilityProblems(page)).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('a syslog drain on loopback receives the lines in order, with the app and replica named', async () => {
    const added = await r.admin('POST', `/teams/${r.team}/apps/talk/drains`, { url: `syslog://127.0.0.1:${syslog.port}` });
    expect(added.status).toBe(201);
    // The worker reads drains every few seconds: lines go there once it knows this one.
    const token = randomBytes(5).toString('hex');
    await eventually('the drain to be in use', async () => {
      await viaGateway(r.gw, host, `/hello-${token}`);
      return syslog.messages.some((m) => m.includes(`/hello-${token}`));
    }, 30_000);
    for (let i = 0; i < 30; i++) expect((await viaGateway(r.gw, host, `/drained-${token}-${i}`)).status).toBe(200);
    const got = await eventually('the 30 lines at the receiver', async () => {
      const ms = syslog.messages.filter((m) => m.includes(`/drained-${token}-`));
      return ms.length === 30 ? ms : undefined;
    }, 30_000);
    const pods = new Set((await r.podsOf('talk')).map((p) => p.metadata!.name!));
    const seen = new Map<string, number[]>();
    for (const m of got) {
      // <14>1 TIMESTAMP team app replica - - message
      const f = /^<14>1 (\S+) (\S+) (\S+) (\S+) - - (.*)$/.exec(m);
      expect(f, m).not.toBeNull();
      const [, ts, hostname, app, replica, msg] = f!;
      expect(Number.isNaN(new Date(ts!).getTime())).toBe(false);
      expect([hostname, app]).toEqual([r.team, 'talk']);
      expect(pods.has(replica!)).toBe(true);
      const n = Number(/drained-[0-9a-f]+-(\d+) /.exec(msg!)![1]);
      seen.set(replica!, [...(seen.get(replica!) ?? []), n]);
    }
    // Each replica's lines arrive in the order it printed them, and none twice.
    for (const ns of seen.values()) expect(ns).toEqual([...ns].sort((a, b) => a - b));
    expect([...seen.values()].flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));

    const list = await r.admin('GET', `/teams/${r.team}/apps/talk/drains`);
    expect(list.body).toEqual([expect.objectContaining({ id: added.body.id, url: `syslog://127.0.0.1:${syslog.port}` })]);
    expect((await r.admin('DELETE', `/teams/${r.team}/apps/talk/drains/${added.body.id}`)).status).toBe(200);
  });

  it('refuses drains it must not send to and searches it cannot answer, naming the field', async () => {
    const cases: [string, RegExp][] = [
      ['http://127.0.0.1:9/x', /must be syslog:\/\/host:port/],
      ['syslog://10.1.2.3:514', /10\.1\.2\.3 is a private address; receivers on internal networks must be in YUNBANG_OUTBOUND_ALLOWED_HOSTS/],
      ['syslog://169.254.169.254:514', /link-local/],
      ['syslog+tls://user:pw@logs.example:6514', /without user or password/],
    ];
    for (const [url, why] of cases) {
      const res = await r.admin('POST', `/teams/${r.team}/apps/talk/drains`, { url });
      expect(res.status, url).toBe(400);
      expect(res.body.errors[0].field).toBe('url');
      expect(res.body.errors[0].message).toMatch(why);
    }
    const bad = await r.admin('GET', `/teams/${r.team}/apps/talk/log-lines?since=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'since', message: 'must be a duration back from now (30m, 2h, 7d) or an ISO 8601 time' }]);
    const g = await gql(r.p.url, ADMIN)('query($t: String!) { app(team: $t, name: "talk") { logSearch(since: "1h", until: "2h") { truncated } } }', { t: r.team });
    expect(codeOf(g)).toBe('BAD_USER_INPUT');
  });

  it("a viewer of another team reads none of this team's lines or drains, by any query", async () => {
    const other = await makeTeam(r.p.url);
    const viewer = await makeToken(r.p.url, other, 'viewer');
    for (const path of [`/teams/${r.team}/apps/talk/log-lines?since=1h`, `/teams/${r.team}/apps/talk/drains`, `/teams/${r.team}/apps/talk/logs`]) {
      const res = await rest(r.p.url, viewer)('GET', path);
      expect([403, 404], path).toContain(res.status);
      expect(JSON.stringify(res.body)).not.toContain('GET /');
    }
    expect([403, 404]).toContain((await rest(r.p.url, viewer)('POST', `/teams/${r.team}/apps/talk/drains`, { url: 'syslog://127.0.0.1:1' })).status);
    const g = await gql(r.p.url, viewer)('query($t: String!) { app(team: $t, name: "talk") { logSearch { lines { line } } logDrains { url } } }', { t: r.team });
    expect(g.data?.app ?? null).toBeNull();
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(g));
  });
});
