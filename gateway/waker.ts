import { chmodSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Route } from './routes.js';

/**
 * Scale to zero (beta): what holds a request to a sleeping app while it wakes.
 *
 * nginx passes every request for a sleeping app's host (or one that may sleep and has no ready
 * pod yet: it is waking) to this server, on a unix socket in the
 * gateway's directory (a socket crosses the network namespace nginx may run in). The request is
 * held, the app is asked to wake (once, however many requests wait), and as soon as a route for
 * the host has a ready endpoint the request is answered 418 with that endpoint in
 * X-Yunbang-Upstream. nginx intercepts the 418 (the client never sees it) and proxies the same
 * request, method and body as nginx kept them, to that endpoint (render.ts, `@yb_woken`). So
 * the request reaches the app exactly once, in the order held requests arrived, and nothing is
 * replayed. Past `timeoutSeconds` it is answered 503 with Retry-After, a page that reloads itself
 * for a browser. Held requests are in this process only: a gateway restarting drops them, as it
 * drops any request in flight.
 */
export interface WakerOptions {
  /** The unix socket path. */
  socket: string;
  timeoutSeconds: number;
  /** Asks the platform to wake the app (the gateway writes a wake key to etcd). Retried while requests wait. */
  wake(team: string, app: string): Promise<void>;
}

export interface Waker {
  /** The routes as the gateway now knows them: held requests whose host has a ready endpoint go. */
  update(routes: Route[]): void;
  /** Requests held now, for the status and tests. */
  held(): number;
  close(): Promise<void>;
}

interface Held { host: string; res: ServerResponse; timer: NodeJS.Timeout }

export const UPSTREAM_HEADER = 'x-yunbang-upstream';
const WAKE_RETRY_MS = 5000;

export async function startWaker(o: WakerOptions): Promise<Waker> {
  const queue: Held[] = [];
  let routes = new Map<string, Route>();
  const asked = new Map<string, number>(); // team/app → when the wake was last asked
  const next = new Map<string, number>(); // host → round-robin position among its endpoints

  const ask = (r: Route) => {
    const key = `${r.team}/${r.app}`;
    const last = asked.get(key);
    if (last !== undefined && Date.now() - last < WAKE_RETRY_MS) return;
    asked.set(key, Date.now());
    o.wake(r.team, r.app).catch(() => asked.delete(key)); // asked again by the next request or retry
  };

  /** A request's route: its host's, else the wildcard route covering it (`*.example.com`), as nginx matched it. */
  const routeOf = (host: string): Route | undefined => routes.get(host) ?? routes.get(`*.${host.slice(host.indexOf('.') + 1)}`);

  /** The endpoint to send a held request for `host` to, or undefined while the app has none ready. */
  const endpointFor = (host: string): string | undefined => {
    const r = routeOf(host);
    if (!r || r.sleeping || r.stopped || r.endpoints.length === 0) return undefined;
    const i = next.get(host) ?? 0;
    next.set(host, i + 1);
    return r.endpoints[i % r.endpoints.length];
  };

  const release = () => {
    // In order of arrival: the first held is answered first.
    for (let i = 0; i < queue.length;) {
      const h = queue[i]!;
      const endpoint = endpointFor(h.host);
      if (!endpoint) { i++; continue; }
      queue.splice(i, 1);
      clearTimeout(h.timer);
      h.res.writeHead(418, { [UPSTREAM_HEADER]: endpoint, 'content-length': '0' }).end();
    }
    // Still waiting: ask again now and then (a wake key lost, a worker restarted).
    for (const h of queue) { const r = routeOf(h.host); if (r?.sleeping) ask(r); }
  };

  const timeout = (h: Held, req: IncomingMessage) => {
    const i = queue.indexOf(h);
    if (i < 0) return;
    queue.splice(i, 1);
    const browser = (req.headers.accept ?? '').includes('text/html');
    h.res.writeHead(503, {
      'retry-after': '5',
      'content-type': browser ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    }).end(browser ? warmingPage() : 'The app is waking up. Try again in a few seconds.\n');
  };

  const server: Server = createServer((req, res) => {
    // The body stays with nginx, which sends it on with the request: drain what it passed here.
    req.resume();
    const host = (req.headers.host ?? '').split(':')[0]!.toLowerCase();
    const r = routeOf(host);
    if (!r) { res.writeHead(404, { 'content-type': 'text/plain' }).end('no such app\n'); return; }
    const h: Held = { host, res, timer: setTimeout(() => timeout(h, req), o.timeoutSeconds * 1000) };
    queue.push(h);
    // The client gave up (or nginx timed out): nothing to answer.
    res.on('close', () => { clearTimeout(h.timer); const i = queue.indexOf(h); if (i >= 0) queue.splice(i, 1); });
    if (r.sleeping) ask(r); // else it is waking already (no ready pod yet)
    release();
  });
  rmSync(o.socket, { force: true });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(o.socket, () => resolve()); });
  // nginx's workers run as an unprivileged user when the gateway runs as root.
  chmodSync(o.socket, 0o666);

  return {
    update(list) {
      routes = new Map(list.map((r) => [r.host, r]));
      for (const key of [...asked.keys()]) {
        // An app awake again is asked anew the next time it sleeps.
        if (!list.some((r) => `${r.team}/${r.app}` === key && r.sleeping)) asked.delete(key);
      }
      release();
    },
    held: () => queue.length,
    close: () => new Promise<void>((resolve) => {
      for (const h of queue.splice(0)) { clearTimeout(h.timer); h.res.destroy(); }
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** What a browser sees when the wait is over its limit: a page that tries again by itself. */
function warmingPage(): string {
  return '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">'
    + '<title>Waking up…</title></head><body><h1>Waking up…</h1>'
    + '<p>This app was asleep and is starting. This page reloads itself in a few seconds.</p></body></html>\n';
}
