import { createSocket, type Socket } from 'node:dgram';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The gateway's Prometheus metrics. Request figures come from nginx's own access log: nginx sends
 * each line, a JSON object, over syslog (UDP on loopback) to this process, which counts it, so
 * nothing grows on disk and nothing has to tail or rotate a file. Reloads and routes are counted
 * by the reloader.
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

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'yunbang_gateway_' });
  }

  /** Counts one access log line (the syslog header, if any, is skipped). */
  observeLine(line: string): void {
    const start = line.indexOf('{');
    let entry: { team?: string; app?: string; status?: string; duration?: string };
    try { entry = JSON.parse(line.slice(start)); } catch { this.logLines.inc({ outcome: 'unreadable' }); return; }
    this.logLines.inc({ outcome: 'ok' });
    const team = entry.team ?? '';
    const app = entry.app ?? '';
    const status = Number(entry.status);
    this.requests.inc({ team, app, status_class: Number.isInteger(status) && status >= 100 ? `${Math.floor(status / 100)}xx` : 'unknown' });
    const d = Number(entry.duration);
    if (Number.isFinite(d)) this.duration.observe({ team, app }, d);
  }
}

/** Receives nginx's syslog lines on a loopback UDP port; resolves with the address to put in nginx's config. */
export function receiveAccessLog(onLine: (line: string) => void): Promise<{ address: string; close(): void }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createSocket('udp4');
    socket.on('message', (msg) => onLine(msg.toString('utf8')));
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      try { socket.setRecvBufferSize(4 * 1024 * 1024); } catch { /* the kernel's limit applies */ }
      const { port } = socket.address();
      resolve({ address: `127.0.0.1:${port}`, close: () => socket.close() });
    });
  });
}
