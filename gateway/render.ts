import { createHash } from 'node:crypto';
import type { Route } from './routes.js';

/**
 * The whole nginx configuration of the gateway as a pure function of its routes and settings:
 * same input, same text, so an unchanged route set never causes a reload. Every value that comes
 * from a route has been validated by routes.ts (hosts are DNS names, team/app DNS labels,
 * endpoints IPv4:port); nothing else from a record reaches the text, and pages never echo input.
 */
export interface RenderSettings {
  /** nginx's prefix: pid, error log and the rendered file live here. */
  prefix: string;
  /** Where nginx writes request bodies and buffered responses (the worker user must own it). */
  tempDir: string;
  /** host:port for plain HTTP, e.g. 0.0.0.0:8080 or 127.0.0.1:8088. */
  httpListen: string;
  /** host:port for HTTPS; null serves no HTTPS (TLS routes are then served over plain HTTP). */
  httpsListen: string | null;
  /** The HTTPS port end users see, for redirects (443 in production, the local port locally). */
  httpsPublicPort: number;
  /** The JSON-lines access log the gateway reads for metrics (buffered: nginx writes it in blocks); null: metrics off. */
  accessLog: string | null;
  /** Also write the access log to this file (e.g. /dev/stdout in a container); null: metrics only. */
  accessLogFile: string | null;
  /** Proxied to for ACME HTTP-01 challenges (the gateway's own status server); null: none. */
  acmeChallenge: string | null;
  /** Loopback address:port where the gateway asks nginx which configuration it serves (after a reload). */
  controlListen: string;
  workerProcesses: number | 'auto';
  /** Run workers as this user (only when nginx starts as root); null: no user directive. */
  user: string | null;
  clientMaxBodySize: string;
  proxyConnectTimeoutSeconds: number;
  proxyReadTimeoutSeconds: number;
  /** How long an old worker keeps serving open connections (websockets) after a reload. */
  workerShutdownTimeoutSeconds: number;
  /** The waker (waker.ts) that holds requests to sleeping apps, `unix:<path>`; null: they get the "not ready" 503. */
  wakerListen: string | null;
  /** How long the waker holds a request (nginx waits a little longer for its answer). */
  wakeTimeoutSeconds: number;
}

/** A route ready to render: the certificate files of a TLS host, when there are some. */
export interface RenderRoute extends Route {
  cert: { certFile: string; keyFile: string } | null;
}

/** Fixed pages: nginx strings in single quotes, so they hold no single quote and no input. */
const PAGES = {
  notFound: page('404 Not Found', 'No app is served at this address.'),
  stopped: page('503 App stopped', 'This app is stopped. Its owner can start it again.'),
  notReady: page('503 App not ready', 'This app has no ready instance yet. Try again in a moment.'),
};

function page(title: string, text: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>`
    + `<body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p><p><small>Yunbang gateway</small></p></body></html>`;
}

/** The upstream of a host: one per host, named so it can never collide with another host's. */
export const upstreamName = (host: string) => (host.startsWith('*.') ? `wildcard.${host.slice(2)}` : `host.${host}`);

const indent = (lines: string[], n = 1) => lines.map((l) => (l ? `${'    '.repeat(n)}${l}` : l));

/** nginx's server_names hash must hold the longest name and every name: sized from the routes. */
function namesHash(routes: RenderRoute[]): { bucket: number; max: number } {
  const longest = routes.reduce((m, r) => Math.max(m, r.host.length), 0);
  let bucket = 64;
  while (bucket < longest + 32) bucket *= 2;
  let max = 512;
  while (max < routes.length * 2) max *= 2;
  return { bucket, max };
}

/** Response headers of every location (nginx drops inherited add_header once a level has its own). */
function locationHeaders(tls = false): string[] {
  return [
    'add_header X-Request-Id $yb_request_id always;',
    ...(tls ? ['add_header Strict-Transport-Security "max-age=31536000" always;'] : []),
  ];
}

/** What a host answers with: its upstream, or a fixed 503 when stopped or when no pod is ready. */
function serveLocation(r: RenderRoute, tls: boolean, s: RenderSettings): string[] {
  const headers = locationHeaders(tls);
  if (r.stopped) return ['location / {', ...indent([...headers, 'default_type text/html;', `return 503 '${PAGES.stopped}';`]), '}'];
  // Asleep, or one that may sleep and has no ready pod yet (waking): held until one is ready,
  // rather than answered 503 while it starts. The text is the same for both, so the wake itself
  // causes no reload; the pod's address does, once the held requests are already on their way.
  if (s.wakerListen && (r.sleeping || (r.canSleep && r.endpoints.length === 0))) return sleepingLocations(headers, s);
  if (r.endpoints.length === 0) {
    return ['location / {', ...indent([...headers, 'add_header Retry-After 5 always;', 'default_type text/html;', `return 503 '${PAGES.notReady}';`]), '}'];
  }
  return ['location / {', ...indent([...headers, `proxy_pass http://${upstreamName(r.host)};`]), '}'];
}

/**
 * A sleeping app (scale to zero): the waker holds each request until the app has a ready pod and
 * answers 418 naming it; nginx intercepts that answer and sends the same request (method and
 * body, which it kept) to that pod. The 418 never reaches the client; the waker's own 503 (past
 * its timeout) does. The address comes from the waker alone, captured before proxy_pass makes a
 * new upstream (set runs first).
 */
function sleepingLocations(headers: string[], s: RenderSettings): string[] {
  return [
    'location / {', ...indent([...headers,
      `proxy_pass http://${s.wakerListen};`,
      `proxy_read_timeout ${s.wakeTimeoutSeconds + 5}s;`,
      'proxy_intercept_errors on;',
      'error_page 418 = @yb_woken;',
    ]), '}',
    'location @yb_woken {', ...indent([...headers,
      'set $yb_woken $upstream_http_x_yunbang_upstream;',
      'proxy_pass http://$yb_woken;',
    ]), '}',
  ];
}

function acmeLocation(s: RenderSettings): string[] {
  if (!s.acmeChallenge) return [];
  return ['location ^~ /.well-known/acme-challenge/ {', ...indent([`proxy_pass http://${s.acmeChallenge};`]), '}'];
}

function serverBlocks(r: RenderRoute, s: RenderSettings): string[] {
  const vars = [`server_name ${r.host};`, `set $yb_team ${r.team};`, `set $yb_app ${r.app};`];
  const tls = r.cert !== null && s.httpsListen !== null;
  const out: string[] = [];
  if (tls) {
    const port = s.httpsPublicPort === 443 ? '' : `:${s.httpsPublicPort}`;
    out.push('server {', ...indent([`listen ${s.httpListen};`, ...vars, ...acmeLocation(s),
      // 308 keeps the method and body of a POST, unlike 301.
      'location / {', ...indent([...locationHeaders(), `return 308 https://$host${port}$request_uri;`]), '}']), '}');
    out.push('server {', ...indent([`listen ${s.httpsListen} ssl http2;`, ...vars,
      `ssl_certificate ${r.cert!.certFile};`, `ssl_certificate_key ${r.cert!.keyFile};`,
      ...serveLocation(r, true, s)]), '}');
  } else {
    out.push('server {', ...indent([`listen ${s.httpListen};`, ...vars, ...acmeLocation(s), ...serveLocation(r, false, s)]), '}');
  }
  return out;
}

function upstreamBlock(r: RenderRoute): string[] {
  if (r.stopped || r.endpoints.length === 0) return [];
  return [`upstream ${upstreamName(r.host)} {`, ...indent([
    // A pod that refuses a connection is skipped for a few seconds; requests go to the others.
    ...r.endpoints.map((e) => `server ${e} max_fails=1 fail_timeout=2s;`),
    'keepalive 32;', 'keepalive_requests 10000;', 'keepalive_timeout 60s;',
  ]), '}'];
}

export function renderConfig(routes: RenderRoute[], s: RenderSettings): string {
  const sorted = [...routes].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  const hash = namesHash(sorted);
  const t = (name: string) => `${s.tempDir}/${name}`;
  const lines = [
    '# Rendered by the Yunbang gateway from etcd (/yunbang/v1/routes/). Do not edit: it is rewritten on every change.',
    'daemon off;',
    ...(s.user ? [`user ${s.user};`] : []),
    `worker_processes ${s.workerProcesses};`,
    `pid ${s.prefix}/nginx.pid;`,
    `error_log ${s.prefix}/logs/error.log warn;`,
    `worker_shutdown_timeout ${s.workerShutdownTimeoutSeconds}s;`,
    'events {', ...indent(['worker_connections 4096;']), '}',
    'http {',
    ...indent([
      `client_body_temp_path ${t('client_body')};`, `proxy_temp_path ${t('proxy')};`, `fastcgi_temp_path ${t('fastcgi')};`,
      `uwsgi_temp_path ${t('uwsgi')};`, `scgi_temp_path ${t('scgi')};`,
      'server_tokens off;',
      `server_names_hash_bucket_size ${hash.bucket};`, `server_names_hash_max_size ${hash.max};`,
      'map_hash_bucket_size 128;',
      'sendfile on;', 'tcp_nodelay on;', 'keepalive_timeout 65s;',
      '# Clients and pods keep their connections: closing one every 1,000 requests (the default) costs throughput and can fail a request.',
      'keepalive_requests 10000;',
      `client_max_body_size ${s.clientMaxBodySize};`,
      '',
      '# The id of a request: the client\'s X-Request-Id if it sent one, else a new one.',
      'map $http_x_request_id $yb_request_id { default $http_x_request_id; "" $request_id; }',
      '# Websockets: pass the upgrade on; otherwise an empty Connection keeps upstream connections alive.',
      'map $http_upgrade $yb_connection { default upgrade; "" ""; }',
      '',
      'log_format yb_json escape=json \'{"time":"$time_iso8601","team":"$yb_team","app":"$yb_app","host":"$host",\'',
      '    \'"method":"$request_method","status":"$status","duration":"$request_time","upstream":"$upstream_addr",\'',
      '    \'"upstream_status":"$upstream_status","bytes":"$bytes_sent","request_id":"$yb_request_id"}\';',
      '# What the gateway counts per app, in as few bytes as it can read back cheaply (team and app are DNS labels: no spaces).',
      'log_format yb_metrics \'$status $request_time $yb_team $yb_app\';',
      '# Written in 64 KiB blocks (at least once a second): a write per request would cost a quarter of the throughput.',
      ...(s.accessLog ? [`access_log ${s.accessLog} yb_metrics buffer=64k flush=1s;`] : []),
      ...(s.accessLogFile ? [`access_log ${s.accessLogFile} yb_json;`] : []),
      ...(!s.accessLog && !s.accessLogFile ? ['access_log off;'] : []),
      '',
      'proxy_http_version 1.1;',
      'proxy_set_header Host $host;',
      'proxy_set_header Upgrade $http_upgrade;',
      'proxy_set_header Connection $yb_connection;',
      'proxy_set_header X-Request-Id $yb_request_id;',
      'proxy_set_header X-Real-IP $remote_addr;',
      'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      'proxy_set_header X-Forwarded-Proto $scheme;',
      'proxy_set_header X-Forwarded-Host $host;',
      'proxy_set_header X-Forwarded-Port $server_port;',
      `proxy_connect_timeout ${s.proxyConnectTimeoutSeconds}s;`,
      `proxy_send_timeout ${s.proxyReadTimeoutSeconds}s;`,
      `proxy_read_timeout ${s.proxyReadTimeoutSeconds}s;`,
      '# A pod that is gone, refuses the connection or times out: try another. nginx never retries a',
      '# non-idempotent request (POST, PATCH) once it was sent.',
      'proxy_next_upstream error timeout;',
      'proxy_next_upstream_tries 3;',
      'proxy_next_upstream_timeout 10s;',
      '',
      'ssl_protocols TLSv1.2 TLSv1.3;',
      'ssl_session_cache shared:yb_tls:10m;',
      'ssl_session_timeout 1h;',
      '',
      '# Any host without a route: 404.',
      'server {',
      ...indent([`listen ${s.httpListen} default_server;`, 'server_name _;', 'set $yb_team "";', 'set $yb_app "";', ...acmeLocation(s),
        'location / {', ...indent([...locationHeaders(), 'default_type text/html;', `return 404 '${PAGES.notFound}';`]), '}']),
      '}',
      ...(s.httpsListen ? [
        '# TLS for an unknown host: refuse the handshake rather than show another host\'s certificate.',
        'server {', ...indent([`listen ${s.httpsListen} ssl http2 default_server;`, 'server_name _;', 'set $yb_team "";', 'set $yb_app "";', 'ssl_reject_handshake on;']), '}',
      ] : []),
      ...sorted.flatMap((r) => ['', `# ${r.host} → ${r.team}/${r.app}`, ...upstreamBlock(r), ...serverBlocks(r, s)]),
    ]),
  ];
  const body = lines.join('\n');
  const version = configVersion(body);
  return [body, ...indent([
    '',
    '# The gateway asks which configuration is being served, to know when a reload has taken effect.',
    'server {', ...indent([`listen ${s.controlListen};`, 'access_log off;', 'location = /yunbang-config {', ...indent(['default_type text/plain;', `return 200 '${version}';`]), '}']), '}',
  ]), '}', ''].join('\n');
}

const configVersion = (body: string) => createHash('sha256').update(body).digest('hex').slice(0, 16);

/** The version a rendered configuration answers with on its control address. */
export function renderedVersion(text: string): string {
  return /location = \/yunbang-config \{\s*default_type text\/plain;\s*return 200 '([0-9a-f]{16})';/.exec(text)?.[1] ?? '';
}
