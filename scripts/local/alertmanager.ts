import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, stopProcess, waitFor } from './proc.js';

/**
 * Debian's Alertmanager (0.25) as a child process: it routes what Prometheus' rules fire to
 * Yunbang's receiver (`/hooks/alertmanager` on the API), grouped per app and rule, and tells it
 * when they resolve. Clustering is off, so it listens on loopback only.
 */
export interface AlertmanagerOptions {
  dir: string;
  port: number;
  /** The API's receiver URL, and the bearer token it expects (YUNBANG_MONITORING_TOKEN). */
  receiver: string;
  token: string;
  /** How long to wait before the first notification of a group, and between a group's updates (seconds). */
  groupWaitSeconds: number;
  groupIntervalSeconds: number;
  /** Also post every notification here, straight from Alertmanager (the alert benchmark's baseline). */
  mirror?: string;
  logDir: string;
  pidDir?: string;
}

/** The configuration: a pure function of the options (the token is read from a file beside it). */
export function renderAlertmanagerConfig(o: Pick<AlertmanagerOptions, 'receiver' | 'groupWaitSeconds' | 'groupIntervalSeconds' | 'mirror'>, tokenFile: string): string {
  return [
    'route:',
    '  receiver: yunbang',
    '  group_by: [team, app, alertname]',
    `  group_wait: ${o.groupWaitSeconds}s`,
    `  group_interval: ${o.groupIntervalSeconds}s`,
    '  repeat_interval: 4h',
    ...(o.mirror ? ['  routes:', '    - { receiver: mirror, continue: true }', '    - { receiver: yunbang }'] : []),
    'receivers:',
    ...(o.mirror ? ['  - name: mirror', '    webhook_configs:', `      - { url: ${JSON.stringify(o.mirror)}, send_resolved: true }`] : []),
    '  - name: yunbang',
    '    webhook_configs:',
    `      - url: ${JSON.stringify(o.receiver)}`,
    '        send_resolved: true',
    `        http_config: { authorization: { type: Bearer, credentials_file: ${JSON.stringify(tokenFile)} } }`,
    '',
  ].join('\n');
}

/**
 * How alerts are grouped by `npm start` and the install: the first notification of an app's alert
 * 10 s after it fires (others of the same app join it), then at most one update a minute.
 */
export const ALERT_GROUPING = { groupWaitSeconds: 10, groupIntervalSeconds: 60 } as const;

export interface LocalAlertmanager { url: string; address: string; stop(): Promise<void> }

export async function startAlertmanager(o: AlertmanagerOptions): Promise<LocalAlertmanager> {
  mkdirSync(join(o.dir, 'data'), { recursive: true });
  const tokenFile = join(o.dir, 'receiver.token');
  writeFileSync(tokenFile, o.token, { mode: 0o600 });
  const config = join(o.dir, 'alertmanager.yml');
  writeFileSync(config, renderAlertmanagerConfig(o, tokenFile), { mode: 0o600 });
  const address = `127.0.0.1:${o.port}`;
  const logFile = join(o.logDir, 'alertmanager.log');
  const child = startProcess('prometheus-alertmanager', [
    `--config.file=${config}`, `--storage.path=${join(o.dir, 'data')}`, `--web.listen-address=${address}`,
    // No gossip with peers: a single instance, and nothing listening beyond loopback.
    '--cluster.listen-address=', '--log.level=warn',
  ], logFile, { pidFile: o.pidDir ? join(o.pidDir, 'alertmanager.pid') : undefined });
  await waitFor('alertmanager', async () => (await fetch(`http://${address}/-/ready`)).ok, 30_000, child, logFile);
  return { url: `http://${address}`, address, stop: () => stopProcess(child) };
}
