import { mkdtempSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { loadGatewayConfig } from '../../gateway/config.js';
import { startGateway, type Gateway } from '../../gateway/gateway.js';
import { LOCAL_ADDRESS_MAP, LOOPBACK } from '../../gateway/address-map.js';
import { freePort } from '../../scripts/local/proc.js';
import { forwardIntoNode } from '../../scripts/local/node/forward.js';
import type { RealNodeInfo } from '../../scripts/local/stack.js';

/** A real gateway (nginx child included) on ports of its own, as the local stack runs it. */
export interface TestGateway {
  gateway: Gateway;
  httpPort: number;
  httpsPort: number;
  caFile: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * `realNode`: the gateway of a real node's cluster: nginx runs in the node's namespace beside the
 * pods, reaches them at their pod IPs (and nothing else), and its ports are forwarded from loopback.
 * By default, `local`'s node (real or simulated); `null` for simulated nodes' pods.
 */
export async function startTestGateway(opts: { etcd?: string; dir?: string; caDir?: string; transform?: (text: string) => string; realNode?: RealNodeInfo | null; env?: Record<string, string> } = {}): Promise<TestGateway> {
  const stack = inject('stack');
  // A gateway of `local` (its etcd) sits beside its pods; another cluster's says which node it has
  // (null: a simulated one's).
  opts = { ...opts, realNode: opts.realNode === undefined && !opts.etcd ? stack.realNode : opts.realNode };
  const dir = opts.dir ?? mkdtempSync(join(stack.dir, 'gateway-'));
  const caDir = opts.caDir ?? join(stack.dir, 'local-ca');
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const config = loadGatewayConfig({
    ETCD_ENDPOINTS: opts.etcd ?? stack.ETCD_ENDPOINTS, YUNBANG_GATEWAY_DIR: dir,
    YUNBANG_GATEWAY_HTTP_LISTEN: `127.0.0.1:${httpPort}`, YUNBANG_GATEWAY_HTTPS_LISTEN: `127.0.0.1:${httpsPort}`,
    YUNBANG_GATEWAY_STATUS_LISTEN: '127.0.0.1:0', YUNBANG_APPS_HTTPS_PORT: String(httpsPort),
    // Every connection stays on the machine: simulated pods' IPs are mapped to loopback, a real
    // node's are inside its namespace, and anything else is refused.
    ...(opts.realNode
      ? { YUNBANG_GATEWAY_NETNS: opts.realNode.netns, YUNBANG_GATEWAY_UPSTREAM_CIDRS: opts.realNode.podCidr }
      : { YUNBANG_GATEWAY_ADDRESS_MAP: LOCAL_ADDRESS_MAP, YUNBANG_GATEWAY_UPSTREAM_CIDRS: LOOPBACK }),
    YUNBANG_GATEWAY_LOCAL_CA_DIR: caDir, YUNBANG_GATEWAY_WORKERS: '1', YUNBANG_GATEWAY_DEBOUNCE_MS: '50',
    YUNBANG_GATEWAY_SHUTDOWN_TIMEOUT_SECONDS: '5',
    ...opts.env,
  });
  const ports = opts.realNode ? await forwardIntoNode(opts.realNode.netns, [httpPort, httpsPort], join(dir, 'ports.log')) : undefined;
  const gateway = await startGateway(config, { transform: opts.transform }).catch(async (err) => { await ports?.stop(); throw err; });
  return { gateway, httpPort, httpsPort, caFile: join(caDir, 'ca.crt'), dir, stop: async () => { await gateway.stop(); await ports?.stop(); } };
}

export interface Reply { status: number; headers: IncomingHttpHeaders; body: string; json: any }

const plainAgent = new HttpAgent({ keepAlive: false });

/** Where a gateway listens on loopback: a test's own, or an installed one's Service through a portal (plain HTTP only). */
export type GatewayAddress = Pick<TestGateway, 'httpPort'> & Partial<Pick<TestGateway, 'httpsPort' | 'caFile'>>;

/** A request to the gateway for a host (connecting to 127.0.0.1, as *.localhost resolves). `body`: sent as JSON. */
export function viaGateway(gw: GatewayAddress, host: string, path = '/', o: { tls?: boolean; headers?: Record<string, string>; method?: string; body?: unknown; agent?: HttpAgent | HttpsAgent; timeoutMs?: number } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
    const headers = { host, ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}), ...(o.headers ?? {}) };
    const common = { host: '127.0.0.1', path, method: o.method ?? 'GET', headers, timeout: o.timeoutMs ?? 5000 };
    const done = (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        let json: unknown;
        try { json = JSON.parse(body); } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
    };
    const req = o.tls
      ? httpsRequest({ ...common, port: gw.httpsPort!, servername: host, ca: readFileSync(gw.caFile!), agent: o.agent as HttpsAgent | undefined }, done)
      : httpRequest({ ...common, port: gw.httpPort, agent: o.agent ?? plainAgent }, done);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * A TCP proxy on loopback in front of a server, which a test can cut (every connection dropped,
 * nothing accepted) and restore on the same port: a network partition between two processes.
 */
export interface Partition { endpoint: string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }

export async function partitionable(target: string): Promise<Partition> {
  const t = new URL(target);
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = () => new Promise<void>((resolve, reject) => {
    server = createServer((client) => {
      const upstream = connect(Number(t.port), t.hostname);
      sockets.add(client); sockets.add(upstream);
      const drop = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
      client.on('error', drop); upstream.on('error', drop); client.on('close', drop); upstream.on('close', drop);
      client.pipe(upstream); upstream.pipe(client);
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const cut = async () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  };
  await listen();
  return { endpoint: `http://127.0.0.1:${port}`, cut, restore: listen, close: cut };
}
