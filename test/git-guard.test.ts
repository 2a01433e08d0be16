import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGitUrl, gitTarget, nonPublic, parseAllowList, type Resolve } from '../src/net/git-guard.js';
import { gql, codeOf, rest } from './helpers/clients.js';
import { makeTeam, makeToken } from './helpers/fixtures.js';
import { startGitServer, type GitServer } from './helpers/git-server.js';
import { ADMIN, startTestPlatform, type TestPlatform } from './helpers/platform.js';

// Every address below is only classified, never connected to; the servers listen on 127.0.0.0/8.
const none = parseAllowList([]);
const fakeDns = (answers: Record<string, string[]>): Resolve => async (host) => {
  if (!answers[host]) throw new Error('ENOTFOUND');
  return answers[host]!;
};

describe('git guard (pure): where a URL connects and whether it may', () => {
  it('reads the host and port of https, http, ssh and scp-like URLs', () => {
    expect(gitTarget('https://git.example.com/a/b.git')).toEqual({ scheme: 'https', host: 'git.example.com', port: 443 });
    expect(gitTarget('http://127.0.0.1:8080/a.git')).toEqual({ scheme: 'http', host: '127.0.0.1', port: 8080 });
    expect(gitTarget('ssh://git@[fd00::1]:2222/a.git')).toEqual({ scheme: 'ssh', host: 'fd00::1', port: 2222 });
    expect(gitTarget('git@GitHub.com:org/repo.git')).toEqual({ scheme: 'ssh', host: 'github.com', port: 22 });
    expect(gitTarget('git://example.com/a.git')).toBeUndefined();
    expect(gitTarget('file:///etc/passwd')).toBeUndefined();
  });

  it('names what is not a public address', () => {
    expect(nonPublic('8.8.8.8')).toBeUndefined();
    expect(nonPublic('2606:4700::1111')).toBeUndefined();
    expect(nonPublic('127.0.0.1')).toBe('a loopback address');
    expect(nonPublic('::1')).toBe('a loopback address');
    expect(nonPublic('10.0.0.1')).toBe('a private address');
    expect(nonPublic('192.168.1.1')).toBe('a private address');
    expect(nonPublic('169.254.169.254')).toMatch(/^a link-local address/);
    expect(nonPublic('fe80::1')).toMatch(/^a link-local address/);
    expect(nonPublic('fd12:3456::1')).toBe('a unique-local address');
    expect(nonPublic('224.0.0.1')).toBe('a multicast address');
    expect(nonPublic('100.64.0.1')).toBe('a carrier-grade NAT address');
    expect(nonPublic('::ffff:10.0.0.1')).toBe('a private address'); // an IPv4-mapped address is its IPv4 one
    expect(nonPublic('0.0.0.0')).toBe('the unspecified address');
  });

  it('refuses a host when any of its addresses is not public, before connecting', async () => {
    const dns = fakeDns({ 'git.example.com': ['140.82.112.3'], 'rebind.example.com': ['140.82.112.3', '10.0.0.7'], 'meta.example.com': ['169.254.169.254'] });
    await expect(checkGitUrl('https://git.example.com/a.git', none, dns)).resolves.toMatchObject({ host: 'git.example.com', addresses: ['140.82.112.3'], allowed: false });
    await expect(checkGitUrl('https://rebind.example.com/a.git', none, dns)).rejects.toThrow('the host rebind.example.com resolves to 10.0.0.7, which is a private address');
    await expect(checkGitUrl('git@meta.example.com:a.git', none, dns)).rejects.toThrow(/resolves to 169.254.169.254, which is a link-local address/);
    await expect(checkGitUrl('https://169.254.169.254/latest.git', none, dns)).rejects.toThrow(/^169.254.169.254 is a link-local address/);
    await expect(checkGitUrl('https://nowhere.example.com/a.git', none, dns)).rejects.toThrow('the host nowhere.example.com does not resolve');
    await expect(checkGitUrl('http://git.example.com/a.git', none, dns)).rejects.toThrow(/plain http is accepted only for hosts in YUNBANG_GIT_ALLOWED_HOSTS/);
    await expect(checkGitUrl('git://git.example.com/a.git', none, dns)).rejects.toThrow('only https and ssh git URLs are accepted');
  });

  it('lets the operator allow internal hosts by name, address or range, plain http included', async () => {
    const dns = fakeDns({ 'git.internal': ['10.1.2.3'], 'other.internal': ['10.9.9.9'] });
    const allow = parseAllowList(['git.internal', '127.0.0.1', '192.168.0.0/16']);
    await expect(checkGitUrl('http://git.internal/a.git', allow, dns)).resolves.toMatchObject({ allowed: true });
    await expect(checkGitUrl('http://127.0.0.1:9/a.git', allow, dns)).resolves.toMatchObject({ allowed: true });
    await expect(checkGitUrl('https://192.168.4.5/a.git', allow, dns)).resolves.toMatchObject({ allowed: true });
    await expect(checkGitUrl('http://127.0.0.2:9/a.git', allow, dns)).rejects.toThrow(/loopback/);
    await expect(checkGitUrl('https://other.internal/a.git', allow, dns)).rejects.toThrow(/private/);
  });
});

describe('git guard in the API: an empty allow list, a loopback git server that must hear nothing', () => {
  let t: TestPlatform;
  let git: GitServer;
  let team: string;
  beforeAll(async () => {
    t = await startTestPlatform({ YUNBANG_GIT_ALLOWED_HOSTS: '', YUNBANG_DETECT_PER_MINUTE: '8' });
    git = await startGitServer({ realNode: null }); // on loopback only: the address under test
    git.repo('site');
    team = await makeTeam(t.url);
  });
  afterAll(async () => { await git?.close(); await t?.close(); });

  it('refuses loopback, metadata and mapped addresses in previews and app sources, naming the rule; the server gets no request', async () => {
    const dev = rest(t.url, await makeToken(t.url, team, 'developer'));
    const url = git.url('site');
    const port = new URL(url).port;
    for (const [u, rule] of [
      [url, '127.0.0.1 is a loopback address'],
      [`http://localhost:${port}/site.git`, 'the host localhost resolves to'],
      [`https://[::ffff:127.0.0.1]:${port}/site.git`, 'is a loopback address'],
      ['https://169.254.169.254/latest/meta-data.git', '169.254.169.254 is a link-local address'],
    ] as const) {
      const r = await dev('POST', `/teams/${team}/detect`, { url: u });
      expect(r.status, u).toBe(400);
      expect(r.body.errors[0]).toMatchObject({ field: 'url', message: expect.stringContaining(rule) });
    }
    const app = await dev('POST', `/teams/${team}/apps`, { name: 'site', git: { url } });
    expect(app.status).toBe(400);
    expect(app.body.errors).toEqual([{ field: 'git.url', message: expect.stringMatching(/^refused: 127.0.0.1 is a loopback address; .*YUNBANG_GIT_ALLOWED_HOSTS/) }]);
    expect((await dev('GET', `/teams/${team}/apps`)).body).toEqual([]); // nothing written
    const g = await gql(t.url, ADMIN)(`mutation($t: String!, $u: String!) { updateApp(input: { team: $t, name: "x", git: { url: $u } }) { app { name } } }`, { t: team, u: url });
    expect(codeOf(g)).toBe('BAD_USER_INPUT');
    expect(git.requests).toBe(0);
  });

  it('previews need the developer role in the team; another team\'s token finds no team', async () => {
    const viewer = rest(t.url, await makeToken(t.url, team, 'viewer'));
    expect((await viewer('POST', `/teams/${team}/detect`, { url: 'https://169.254.169.254/x.git' })).status).toBe(403);
    const other = rest(t.url, await makeToken(t.url, await makeTeam(t.url), 'owner'));
    expect((await other('POST', `/teams/${team}/detect`, { url: 'https://169.254.169.254/x.git' })).status).toBe(404);
  });

  it('are limited per token, refused ones included, with Retry-After', async () => {
    const dev = rest(t.url, await makeToken(t.url, team, 'developer'));
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await dev('POST', `/teams/${team}/detect`, { url: 'https://169.254.169.254/x.git' })).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400, 400, 400, 429]);
    const limited = await dev('POST', `/teams/${team}/detect`, { url: 'https://169.254.169.254/x.git' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', detail: expect.stringMatching(/^too many previews/) });
    // Another token has its own allowance.
    const other = rest(t.url, await makeToken(t.url, team, 'developer'));
    expect((await other('POST', `/teams/${team}/detect`, { url: 'https://169.254.169.254/x.git' })).status).toBe(400);
  });
});

describe('git guard: redirects are not followed', () => {
  let t: TestPlatform;
  let inner: GitServer;
  let bounce: Server;
  beforeAll(async () => {
    // 127.0.0.1 is allowed (the test platform's list); 127.0.0.2, where the redirect points, is not.
    t = await startTestPlatform();
    inner = await startGitServer({ host: '127.0.0.2' });
    inner.repo('secret');
    bounce = createServer((req, res) => { res.writeHead(302, { location: `${inner.url('secret').replace(/\/secret\.git$/, '')}${req.url}` }).end(); });
    await new Promise<void>((r) => bounce.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => { bounce?.close(); await inner?.close(); await t?.close(); });

  it('a clone that an allowed host redirects inward fails, and the inner server hears nothing', async () => {
    const team = await makeTeam(t.url);
    const url = `http://127.0.0.1:${(bounce.address() as AddressInfo).port}/secret.git`;
    const r = await rest(t.url, ADMIN)('POST', `/teams/${team}/detect`, { url });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ field: 'url', message: `${url} redirects elsewhere; give the repository's own URL` }]);
    expect(inner.requests).toBe(0);
  });
});
