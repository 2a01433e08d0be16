import { closeSync, existsSync, fstatSync, openSync, readSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The gateway's Prometheus metrics. Request figures come from nginx's own access log, JSON lines
 * that nginx writes in blocks and this process follows (followAccessLog). Reloads and routes are
 * counted by the reloader.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'yunbang_gateway_requests_total', help: 'Requests served by the gateway, by team, app and status class (unknown hosts: empty team and app)',
    labelNames: ['team', 'app', 'status_class'] as const, registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'yunbang_gateway_request_duration_seconds', help: 'Time from the first byte of a request to the last of its response, by team and app',
    labelNames: ['team', 'app'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry],
  });
  readonly reloads = new Counter({
    name: 'yunbang_gateway_reloads_total', help: 'Configuration changes by outcome: reloaded, or rejected by nginx -t (the last good one keeps serving)',
    labelNames: ['outcome'] as const, registers: [this.registry],
  });
  readonly reloadDuration = new Histogram({
    name: 'yunbang_gateway_reload_duration_seconds', help: 'Render, nginx -t and reload until the new configuration answers',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry],
  });
  readonly routes = new Gauge({ name: 'yunbang_gateway_routes', help: 'Routes in the configuration being served', registers: [this.registry] });
  readonly skipped = new Gauge({ name: 'yunbang_gateway_routes_skipped', help: 'Route records in etcd that could not be used (malformed or unsafe)', registers: [this.registry] });
  readonly configValid = new Gauge({ name: 'yunbang_gateway_config_valid', help: '1 when the latest rendered configuration passed nginx -t and is served, 0 when it was rejected', registers: [this.registry] });
  readonly tlsMissing = new Gauge({ name: 'yunbang_gateway_tls_hosts_without_certificate', help: 'TLS hosts served over plain HTTP because no usable certificate is available yet', registers: [this.registry] });
  readonly etcdConnected = new Gauge({ name: 'yunbang_gateway_etcd_connected', help: '1 while the watch on etcd is connected', registers: [this.registry] });
  readonly logLines = new Counter({ name: 'yunbang_gateway_access_log_lines_total', help: 'Access log lines received, by whether they could be read', labelNames: ['outcome'] as const, registers: [this.registry] });

  private readonly known = new Set<string>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'yunbang_gateway_' });
  }

  /**
   * Starts an app's series at zero as soon as the gateway serves it: Prometheus' rate() sees no
   * increase in a series whose first sample already holds it, so a first burst of 5xx answers
   * between two scrapes would otherwise never show.
   */
  knowApp(team: string, app: string): void {
    const key = `${team}/${app}`;
    if (this.known.has(key)) return;
    this.known.add(key);
    for (const c of ['2xx', '3xx', '4xx', '5xx']) this.requests.inc({ team, app, status_class: c }, 0);
    this.duration.zero({ team, app });
  }

  /**
   * Counts one access log line: `<status> <seconds> <team> <app>` (the yb_metrics format; an
   * unknown host's team and app are empty or "-"), or a JSON line of the yb_json format.
   */
  /** Counts one access-log line; answers whose request it was (null for a host without a route). */
  observeLine(line: string): { team: string; app: string } | null {
    let status: number;
    let duration: number;
    let team: string;
    let app: string;
    if (line.startsWith('{')) {
      let entry: { team?: string; app?: string; status?: string; duration?: string };
      try { entry = JSON.parse(line); } catch { this.logLines.inc({ outcome: 'unreadable' }); return null; }
      [status, duration, team, app] = [Number(entry.status), Number(entry.duration), entry.team ?? '', entry.app ?? ''];
    } else {
      const f = line.split(' ');
      if (f.length !== 4) { this.logLines.inc({ outcome: 'unreadable' }); return null; }
      [status, duration, team, app] = [Number(f[0]), Number(f[1]), f[2] === '-' ? '' : f[2]!, f[3] === '-' ? '' : f[3]!];
    }
    this.logLines.inc({ outcome: 'ok' });
    this.requests.inc({ team, app, status_class: Number.isInteger(status) && status >= 100 ? `${Math.floor(status / 100)}xx` : 'unknown' });
    if (Number.isFinite(duration)) this.duration.observe({ team, app }, duration);
    return team && app ? { team, app } : null;
  }
}

/**
 * Follows nginx's access log file: reads what was appended every `everyMs`, line by line. When the
 * file passes `maxBytes` it is rotated as logrotate does it: renamed, nginx told to reopen its logs
 * (`reopen`, SIGUSR1 to the master), the renamed file read to its end a moment later and deleted.
 * So the file never grows without bound and no line is lost or read twice.
 */
export function followAccessLog(path: string, onLine: (line: string) => void, reopen: () => void, o: { everyMs?: number; maxBytes?: number } = {}): { stop(): void; drain(): void } {
  const everyMs = o.everyMs ?? 250;
  const maxBytes = o.maxBytes ?? 64 * 1024 * 1024;
  // Lines from before this process started were counted by an earlier one: start at the end.
  let pos = existsSync(path) ? statSync(path).size : 0;
  let partial = '';
  let rotated: { path: string; pos: number; partial: string; at: number } | undefined;

  const readFrom = (file: string, from: number, carry: string): { pos: number; partial: string } => {
    let fd: number;
    try { fd = openSync(file, 'r'); } catch { return { pos: from, partial: carry }; }
    try {
      const size = fstatSync(fd).size;
      if (size < from) { from = 0; carry = ''; } // truncated by someone else: start over
      if (size === from) return { pos: from, partial: carry };
      const buf = Buffer.alloc(size - from);
      const n = readSync(fd, buf, 0, buf.length, from);
      const text = carry + buf.subarray(0, n).toString('utf8');
      const lines = text.split('\n');
      const rest = lines.pop() ?? '';
      for (const l of lines) if (l) onLine(l);
      return { pos: from + n, partial: rest };
    } finally { closeSync(fd); }
  };

  const tick = () => {
    if (rotated) {
      const r = readFrom(rotated.path, rotated.pos, rotated.partial);
      rotated.pos = r.pos; rotated.partial = r.partial;
      // Workers reopen on their next event; after two seconds nothing more is written to the old file.
      if (Date.now() - rotated.at > 2000) { try { unlinkSync(rotated.path); } catch { /* gone */ } rotated = undefined; }
    }
    const r = readFrom(path, pos, partial);
    pos = r.pos; partial = r.partial;
    if (pos > maxBytes && !rotated) {
      const old = `${path}.1`;
      try {
        renameSync(path, old);
        rotated = { path: old, pos, partial, at: Date.now() };
        pos = 0; partial = '';
        reopen();
      } catch { /* try again next time */ }
    }
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return { stop: () => { clearInterval(timer); tick(); }, drain: tick };
}
