import { execFileSync } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import ipaddr from 'ipaddr.js';

/**
 * Builds on the real node fetch their dependencies (`npm install`, `pip install`, `apt-get`) from
 * the package registries this machine reaches, and nothing else: the node has no route out, and
 * this proxy, run by the stack on loopback and reached from pods at the node's address (the
 * portal), lets through only the hosts of the machine's own npm, apt and pip configuration, and
 * never to the machine's own or private addresses. No host is named here: they are read from that configuration.
 */
export interface Registries { npm: string | null; hosts: string[] }

/** The hosts of URLs (http, https), sorted and unique: a pure function. */
export function hostsOf(urls: string[]): string[] {
  const out = new Set<string>();
  for (const u of urls) {
    try {
      const url = new URL(u);
      if (url.protocol === 'http:' || url.protocol === 'https:') out.add(url.hostname.toLowerCase());
    } catch { /* not a URL */ }
  }
  return [...out].sort();
}

/** apt's archive URLs, from deb822 .sources (URIs:) and one-line .list files. */
export function aptUris(files: string[]): string[] {
  const uris: string[] = [];
  for (const text of files) {
    for (const m of text.matchAll(/^URIs:\s*(.+)$/gm)) uris.push(...m[1]!.trim().split(/\s+/));
    for (const m of text.matchAll(/^deb(?:-src)?\s+(?:\[[^\]]*\]\s+)?(\S+)/gm)) uris.push(m[1]!);
  }
  return uris;
}

/** The file of the certificate bundle this machine's Node.js and OpenSSL trust, if it names one. */
export function machineTrustFile(): string | null {
  return [process.env.NODE_EXTRA_CA_CERTS, process.env.SSL_CERT_FILE, '/etc/ssl/certs/ca-certificates.crt'].find((f): f is string => !!f && existsSync(f)) ?? null;
}

/** The certificate bundle this machine's Node.js and OpenSSL trust, if it names one. */
function machineTrust(): string | null {
  const f = machineTrustFile();
  return f ? readFileSync(f, 'utf8') : null;
}

/** What this machine's package managers are configured to reach. */
export function machineRegistries(): Registries {
  const run = (cmd: string, args: string[]) => { try { return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim(); } catch { return ''; } };
  const npm = run('npm', ['config', 'get', 'registry']) || null;
  const dir = '/etc/apt/sources.list.d';
  const aptFiles = [
    ...(existsSync('/etc/apt/sources.list') ? [readFileSync('/etc/apt/sources.list', 'utf8')] : []),
    ...(existsSync(dir) ? readdirSync(dir).filter((f) => /\.(sources|list)$/.test(f)).map((f) => readFileSync(join(dir, f), 'utf8')) : []),
  ];
  const pip = run('pip', ['config', 'list']).split('\n').flatMap((l) => /index-url='([^']+)'/.exec(l)?.[1]?.split(/\s+/) ?? []);
  return { npm, hosts: hostsOf([...(npm ? [npm] : []), ...aptUris(aptFiles), ...pip]) };
}

/**
 * An address the proxy may connect to: never the machine itself, its networks or the node's
 * (loopback, private, link-local, carrier-grade NAT...). Documentation and reserved ranges are
 * allowed: a sandboxed machine may reach its registries through such an address, as its own npm does.
 */
const REFUSED_RANGES = new Set(['unspecified', 'broadcast', 'multicast', 'linkLocal', 'loopback', 'carrierGradeNat', 'private', 'uniqueLocal']);
export function reachableAddress(ip: string): boolean {
  try { return !REFUSED_RANGES.has(ipaddr.process(ip).range()); } catch { return false; }
}

/** Resolves the host and refuses it unless it is allowed and every address is public. */
async function allowedTarget(host: string, allowed: Set<string>): Promise<string | null> {
  if (!allowed.has(host.toLowerCase())) return null;
  const addrs = await lookup(host, { all: true }).catch(() => []);
  const v4 = addrs.filter((a) => a.family === 4);
  return v4.length > 0 && v4.every((a) => reachableAddress(a.address)) ? v4[0]!.address : null;
}

export async function startEgressProxy(r: Registries, log: (line: string) => void): Promise<{ port: number; server: Server }> {
  const allowed = new Set(r.hosts);
  const server = createServer(async (req, res) => {
    // The build executor asks which npm registry the machine uses.
    if (req.url === '/yunbang/registries') { res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(r)); return; }
    // ... and which certificate authorities the machine trusts when it reaches them (a machine
    // behind a TLS-inspecting egress trusts one more than Debian's bundle has).
    if (req.url === '/yunbang/ca') {
      const bundle = machineTrust();
      if (bundle) res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(bundle); else res.writeHead(404).end();
      return;
    }
    let url: URL;
    try { url = new URL(req.url ?? ''); } catch { res.writeHead(400).end('absolute URL expected\n'); return; }
    const ip = url.protocol === 'http:' ? await allowedTarget(url.hostname, allowed) : null;
    if (!ip) { log(`refused ${req.method} ${url.host}`); res.writeHead(403).end(`${url.host} is not a package registry this machine uses\n`); return; }
    const up = request({ host: ip, port: Number(url.port || 80), path: url.pathname + url.search, method: req.method, headers: { ...req.headers, host: url.host } }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connect', async (req, client: Socket, head: Buffer) => {
    const [host, portText] = (req.url ?? '').split(':');
    const port = Number(portText);
    const ip = port === 443 && host ? await allowedTarget(host, allowed) : null;
    if (!ip) {
      log(`refused CONNECT ${req.url}`);
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nnot a package registry this machine uses\n');
      return;
    }
    const up = connect(port, ip, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(client).pipe(up);
    });
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as { port: number }).port, server };
}
