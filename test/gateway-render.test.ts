import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_ADDRESS_MAP, LOOPBACK, mapAddress, parseAddressMap, parseCidr } from '../gateway/address-map.js';
import { renderConfig, renderedVersion, type RenderRoute, type RenderSettings } from '../gateway/render.js';
import { parseRoute, parseRoutes, type UpstreamPolicy } from '../gateway/routes.js';
import { ensureLocalCa, issueFromLocalCa } from '../gateway/local-ca.js';
import { verifyPair } from '../gateway/certs.js';

const local: UpstreamPolicy = { addressMap: parseAddressMap(LOCAL_ADDRESS_MAP), allowed: [parseCidr(LOOPBACK)] };
const key = (host: string) => `/yunbang/v1/routes/${host}`;
const good = { team: 'acme', app: 'web', service: 'web.yb-acme.svc.cluster.local:8080', port: 8080, endpoints: ['10.244.0.3:8080', '10.244.0.2:8080'], stopped: false, sleeping: false, canSleep: false, tls: null };

describe('gateway: the address map (pure)', () => {
  it('serves pod IP 10.b.c.d at 127.b.c.d and leaves other addresses alone', () => {
    const rules = parseAddressMap(LOCAL_ADDRESS_MAP);
    expect(mapAddress('10.244.0.30', rules)).toBe('127.244.0.30');
    expect(mapAddress('10.1.2.3', rules)).toBe('127.1.2.3');
    expect(mapAddress('192.168.1.5', rules)).toBe('192.168.1.5');
    expect(mapAddress('10.244.0.30', [])).toBe('10.244.0.30');
  });
  it('refuses rules it cannot apply', () => {
    expect(() => parseAddressMap('10.0.0.0/8=127.0.0.0/16')).toThrow(/same prefix length/);
    expect(() => parseAddressMap('10.0.0.0/8')).toThrow(/not a rule/);
    expect(() => parseCidr('10.0.0/8')).toThrow(/not an IPv4 CIDR/);
  });
});

describe('gateway: route records (pure)', () => {
  it('reads a record, maps its endpoints to loopback and sorts them', () => {
    expect(parseRoute(key('web-acme.localhost'), JSON.stringify(good), local)).toEqual({
      route: { host: 'web-acme.localhost', team: 'acme', app: 'web', endpoints: ['127.244.0.2:8080', '127.244.0.3:8080'], stopped: false, sleeping: false, canSleep: false, tls: null },
    });
  });
  it('reads records written before stopped and tls existed as running, plain HTTP', () => {
    const { stopped: _, tls: __, ...old } = good;
    expect(parseRoute(key('a.example.com'), JSON.stringify(old), local)).toMatchObject({ route: { stopped: false, sleeping: false, canSleep: false, tls: null } });
  });

  it('a gateway of one cluster serves only that cluster\'s routes; one without a filter serves every cluster\'s', () => {
    const inA = JSON.stringify({ ...good, cluster: 'a' });
    const inB = JSON.stringify({ ...good, cluster: 'b' });
    const only = { ...local, clusters: ['a'] };
    expect(parseRoute(key('x.example.com'), inA, only)).toMatchObject({ route: { host: 'x.example.com' } });
    expect(parseRoute(key('x.example.com'), inB, only)).toEqual({ elsewhere: key('x.example.com') });
    expect(parseRoute(key('x.example.com'), JSON.stringify(good), only)).toEqual({ elsewhere: key('x.example.com') }); // a record of no cluster is no cluster's
    expect(parseRoute(key('x.example.com'), inB, local)).toMatchObject({ route: { host: 'x.example.com' } });
    const snapshot = parseRoutes(new Map([[key('a.example.com'), inA], [key('b.example.com'), inB]]), only);
    expect(snapshot).toEqual({ routes: [expect.objectContaining({ host: 'a.example.com' })], skipped: [] });
  });

  const hostile: [string, string, string, RegExp][] = [
    ['host that breaks out of server_name', 'a.com; } server { listen 80', JSON.stringify(good), /host is not a DNS name/],
    ['upper-case host', 'Web.Example.com', JSON.stringify(good), /host is not a DNS name/],
    ['single-label host', 'localhost', JSON.stringify(good), /host is not a DNS name/],
    ['IP address as host', '10.0.0.1', JSON.stringify(good), /host is not a DNS name/],
    ['host with a newline', 'a.com\nserver_name b.com', JSON.stringify(good), /host is not a DNS name/],
    ['value that is not JSON', 'x.example.com', '{"team":', /not JSON/],
    ['team with nginx syntax', 'x.example.com', JSON.stringify({ ...good, team: 'a; return 200' }), /team must be a DNS label/],
    ['app with a variable', 'x.example.com', JSON.stringify({ ...good, app: '$host' }), /app must be a DNS label/],
    ['endpoint with directives', 'x.example.com', JSON.stringify({ ...good, endpoints: ['10.0.0.1:80; } server {'] }), /IPv4:port/],
    ['endpoint as a host name', 'x.example.com', JSON.stringify({ ...good, endpoints: ['evil.example.com:80'] }), /IPv4:port/],
    ['endpoint port out of range', 'x.example.com', JSON.stringify({ ...good, endpoints: ['10.0.0.1:99999'] }), /IPv4:port/],
    ['endpoint outside loopback after mapping', 'x.example.com', JSON.stringify({ ...good, endpoints: ['192.168.1.1:80'] }), /outside the allowed upstream ranges/],
    ['TLS secret name with a path', 'x.example.com', JSON.stringify({ ...good, tls: { secretName: '../../etc/passwd' } }), /tls.secretName/],
    ['stopped that is not a boolean', 'x.example.com', JSON.stringify({ ...good, stopped: 'yes' }), /stopped/],
  ];
  it.each(hostile)('skips a %s, saying why', (_, host, value, reason) => {
    const p = parseRoute(key(host), value, local);
    expect(p).toHaveProperty('skipped');
    expect((p as { skipped: { reason: string } }).skipped.reason).toMatch(reason);
  });

  it('a hostile record changes nothing else: the rendered text is the same as without it', () => {
    const clean = new Map([[key('web-acme.localhost'), JSON.stringify(good)]]);
    const dirty = new Map([...clean, ...hostile.map(([, h, v], i) => [key(h === 'x.example.com' ? `h${i}.example.com` : h), v] as [string, string])]);
    const a = parseRoutes(clean, local);
    const b = parseRoutes(dirty, local);
    expect(b.skipped).toHaveLength(hostile.length);
    const render = (routes: typeof a.routes) => renderConfig(routes.map((r) => ({ ...r, cert: null })), settings);
    expect(render(b.routes)).toBe(render(a.routes));
    expect(render(b.routes)).not.toMatch(/evil|\$host;\s*set|99999|etc\/passwd/);
  });
});

const settings: RenderSettings = {
  prefix: '/run/yb-gw', tempDir: '/run/yb-gw/tmp', httpListen: '127.0.0.1:8088', httpsListen: '127.0.0.1:8443', httpsPublicPort: 8443,
  accessLog: '/run/yb-gw/logs/access.log', accessLogFile: null, acmeChallenge: null, controlListen: '127.0.0.1:8099',
  workerProcesses: 1, user: null, clientMaxBodySize: '10m', proxyConnectTimeoutSeconds: 5, proxyReadTimeoutSeconds: 60, workerShutdownTimeoutSeconds: 240,
  wakerListen: 'unix:/run/yb-gw/waker.sock', wakeTimeoutSeconds: 30,
};
const routes: RenderRoute[] = [
  { host: 'web-acme.localhost', team: 'acme', app: 'web', endpoints: ['127.244.0.2:8080', '127.244.0.3:8080'], stopped: false, sleeping: false, canSleep: false, tls: null, cert: null },
  { host: 'shop.example.com', team: 'acme', app: 'web', endpoints: ['127.244.0.2:8080'], stopped: false, sleeping: false, canSleep: false, tls: { secretName: 'shop-example-com-tls' }, cert: { certFile: '/certs/shop/tls.crt', keyFile: '/certs/shop/tls.key' } },
  { host: 'off-acme.localhost', team: 'acme', app: 'off', endpoints: [], stopped: true, sleeping: false, canSleep: false, tls: null, cert: null },
  { host: 'new-acme.localhost', team: 'acme', app: 'new', endpoints: [], stopped: false, sleeping: false, canSleep: false, tls: null, cert: null },
  { host: '*.wild.example.com', team: 'ops', app: 'any', endpoints: ['127.244.0.9:80'], stopped: false, sleeping: false, canSleep: false, tls: null, cert: null },
  { host: 'nap-acme.localhost', team: 'acme', app: 'nap', endpoints: [], stopped: false, sleeping: true, canSleep: true, tls: null, cert: null },
];

describe('gateway: the nginx configuration (pure)', () => {
  it('renders routes to exactly this text', async () => {
    await expect(renderConfig(routes, settings)).toMatchFileSnapshot('__snapshots__/gateway-nginx.conf');
  });
  it('is deterministic: the same routes in any order give the same text and version', () => {
    const a = renderConfig(routes, settings);
    const b = renderConfig([...routes].reverse(), settings);
    expect(b).toBe(a);
    expect(renderedVersion(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(renderedVersion(renderConfig(routes.slice(1), settings))).not.toBe(renderedVersion(a));
  });
  it('answers a stopped app with 503 "stopped", an app with no ready pod with 503 and Retry-After, and proxies the rest', () => {
    const text = renderConfig(routes, settings);
    const server = (host: string) => text.split(`# ${host} →`)[1]!.split('\n    # ')[0]!;
    expect(server('off-acme.localhost')).toMatch(/return 503 '.*This app is stopped/);
    expect(server('off-acme.localhost')).not.toMatch(/upstream|proxy_pass/);
    expect(server('new-acme.localhost')).toMatch(/Retry-After 5[\s\S]*return 503 '.*no ready instance/);
    expect(server('web-acme.localhost')).toMatch(/upstream host\.web-acme\.localhost \{\s*server 127\.244\.0\.2:8080 max_fails=1 fail_timeout=2s;\s*server 127\.244\.0\.3:8080/);
    expect(server('web-acme.localhost')).toMatch(/proxy_pass http:\/\/host\.web-acme\.localhost;/);
    expect(server('shop.example.com')).toMatch(/listen 127\.0\.0\.1:8088;[\s\S]*return 308 https:\/\/\$host:8443\$request_uri;/);
    expect(server('shop.example.com')).toMatch(/listen 127\.0\.0\.1:8443 ssl http2;[\s\S]*ssl_certificate \/certs\/shop\/tls\.crt;/);
    expect(server('*.wild.example.com')).toMatch(/server_name \*\.wild\.example\.com;[\s\S]*proxy_pass http:\/\/wildcard\.wild\.example\.com;/);
    // Sleeping (scale to zero): held by the waker, then sent on to the pod it names; no 503 page.
    expect(server('nap-acme.localhost')).toMatch(/proxy_pass http:\/\/unix:\/run\/yb-gw\/waker\.sock;\s*proxy_read_timeout 35s;\s*proxy_intercept_errors on;\s*error_page 418 = @yb_woken;/);
    expect(server('nap-acme.localhost')).toMatch(/location @yb_woken \{[\s\S]*set \$yb_woken \$upstream_http_x_yunbang_upstream;\s*proxy_pass http:\/\/\$yb_woken;/);
    expect(server('nap-acme.localhost')).not.toMatch(/return 503/);
    // Without a waker, a sleeping app is one with no ready pod.
    const plain = renderConfig(routes, { ...settings, wakerListen: null });
    expect(plain.split('# nap-acme.localhost →')[1]).toMatch(/Retry-After 5[\s\S]*return 503 '.*no ready instance/);
  });
});

describe('gateway: real nginx accepts what is rendered (nginx -t)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yb-gw-render-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('for every kind of route, with real certificates from the local CA', async () => {
    const ca = await ensureLocalCa(join(dir, 'ca'));
    const issued = await issueFromLocalCa(ca, 'shop.example.com');
    mkdirSync(join(dir, 'certs'), { recursive: true });
    writeFileSync(join(dir, 'certs', 'tls.crt'), issued.certPem);
    writeFileSync(join(dir, 'certs', 'tls.key'), issued.keyPem);
    expect(verifyPair('shop.example.com', { certFile: join(dir, 'certs', 'tls.crt'), keyFile: join(dir, 'certs', 'tls.key') })).toHaveProperty('files');
    expect(verifyPair('other.example.com', { certFile: join(dir, 'certs', 'tls.crt'), keyFile: join(dir, 'certs', 'tls.key') })).toEqual({ problem: 'the certificate does not name other.example.com' });
    const withCert = routes.map((r) => (r.cert ? { ...r, cert: { certFile: join(dir, 'certs', 'tls.crt'), keyFile: join(dir, 'certs', 'tls.key') } } : r));
    mkdirSync(join(dir, 'logs'), { recursive: true });
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, renderConfig(withCert, { ...settings, prefix: dir, tempDir: join(dir, 'tmp'), accessLog: join(dir, 'logs', 'access.log'), user: process.getuid?.() === 0 ? 'nobody nogroup' : null }));
    const out = execFileSync('/usr/sbin/nginx', ['-t', '-p', dir, '-c', conf], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe(''); // success is reported on stderr; a failure throws
  });
  it('and rejects a broken one, naming the problem (so the test above can fail)', () => {
    const conf = join(dir, 'broken.conf');
    writeFileSync(conf, renderConfig(routes, { ...settings, prefix: dir, tempDir: join(dir, 'tmp') }).replace('proxy_pass http://host.web-acme.localhost;', 'proxy_pass http://host.web-acme.localhost'));
    expect(() => execFileSync('/usr/sbin/nginx', ['-t', '-p', dir, '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] })).toThrow();
  });
});

describe('gateway: following the access log', () => {
  it('reads appended lines once, keeps a partial line for later, and rotates past the size limit without losing a line', async () => {
    const { followAccessLog } = await import('../gateway/metrics.js');
    const { appendFileSync, existsSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'yb-gw-log-'));
    const path = join(dir, 'access.log');
    appendFileSync(path, '{"old":1}\n'); // before the follower starts: not ours to count
    const lines: string[] = [];
    let reopened = 0;
    const f = followAccessLog(path, (l) => lines.push(l), () => { reopened++; }, { everyMs: 60_000, maxBytes: 100 });
    try {
      appendFileSync(path, '{"a":1}\n{"b":');
      f.drain();
      expect(lines).toEqual(['{"a":1}']);
      appendFileSync(path, '2}\n');
      f.drain();
      expect(lines).toEqual(['{"a":1}', '{"b":2}']);
      appendFileSync(path, `{"c":"${'x'.repeat(120)}"}\n`);
      f.drain(); // past 100 bytes: renamed, nginx asked to reopen
      expect(reopened).toBe(1);
      expect(existsSync(`${path}.1`)).toBe(true);
      appendFileSync(`${path}.1`, '{"late":1}\n'); // a worker that had not reopened yet
      appendFileSync(path, '{"d":1}\n'); // nginx's new file
      f.drain();
      expect(lines.map((l) => Object.keys(JSON.parse(l))[0])).toEqual(['a', 'b', 'c', 'late', 'd']);
    } finally {
      f.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
