import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayMetrics } from './metrics.js';

/**
 * The gateway's own HTTP endpoints, apart from the traffic it proxies:
 *  - /healthz: nginx runs and serves a configuration (liveness);
 *  - /servingz: nginx serves the routes etcd gave at least once, or the last run's (the Service's
 *    readiness: a new replica answering before it knows any route would answer 404 to every host);
 *  - /readyz: also current — etcd has been read and the newest configuration passed `nginx -t`;
 *    503 with the reasons otherwise, while the last good configuration keeps serving;
 *  - /metrics: Prometheus;
 *  - /.well-known/acme-challenge/<token>: ACME HTTP-01 answers, which nginx passes here for every host.
 */
export interface StatusSources {
  metrics: GatewayMetrics;
  /** The answer to an ACME HTTP-01 challenge token (nginx passes /.well-known/acme-challenge/ here). */
  acmeAnswer?(token: string): Promise<string | undefined>;
  health(): { ok: boolean; detail: string };
  serving(): { ok: boolean; detail: string };
  readiness(): { ok: boolean; reasons: string[] };
}

export interface StatusServer { url: string; close(): Promise<void> }

export function startStatusServer(listen: string, s: StatusSources): Promise<StatusServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (code: number, body: unknown) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'GET' && req.method !== 'HEAD') { json(405, { error: 'method not allowed' }); return; }
    if (path === '/healthz') { const h = s.health(); json(h.ok ? 200 : 503, { ok: h.ok, detail: h.detail }); return; }
    if (path === '/servingz') { const h = s.serving(); json(h.ok ? 200 : 503, { ok: h.ok, detail: h.detail }); return; }
    if (path === '/readyz') { const r = s.readiness(); json(r.ok ? 200 : 503, { ready: r.ok, reasons: r.reasons }); return; }
    if (path === '/metrics') {
      s.metrics.registry.metrics().then((text) => res.writeHead(200, { 'content-type': s.metrics.registry.contentType }).end(text),
        () => json(500, { error: 'metrics unavailable' }));
      return;
    }
    const challenge = /^\/\.well-known\/acme-challenge\/([^/]+)$/.exec(path ?? '');
    if (challenge && s.acmeAnswer) {
      s.acmeAnswer(challenge[1]!).then((answer) => {
        if (answer) res.writeHead(200, { 'content-type': 'text/plain' }).end(answer);
        else json(404, { error: 'no such challenge' });
      }, () => json(503, { error: 'challenge store unavailable' }));
      return;
    }
    json(404, { error: 'not found' });
  });
  const i = listen.lastIndexOf(':');
  const host = listen.slice(0, i).replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(listen.slice(i + 1)), host, () => {
      const a = server.address() as AddressInfo;
      const shown = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      resolve({
        url: `http://${shown === '0.0.0.0' ? '127.0.0.1' : shown}:${a.port}`,
        close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}
