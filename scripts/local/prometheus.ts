import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, stopProcess, waitFor } from './proc.js';
import type { KubeletScrape } from './node/real-node.js';

/**
 * Debian's Prometheus (2.42) as a child process of the local stack and of the tests that need
 * apps' metrics: it scrapes Yunbang (the API, the worker), the gateways and the real node's
 * kubelet, on loopback only. An installation points Yunbang at its own (YUNBANG_PROMETHEUS_URL).
 */
export interface ScrapeTargets {
  /** host:port of Yunbang processes serving /metrics (the API, or a worker's YUNBANG_METRICS_PORT). */
  yunbang: string[];
  /** host:port of gateways' status listeners (/metrics). */
  gateways: string[];
  /** Each kubelet, with the cluster it belongs to (its series are labelled with both: the admin's resources view asks by them). */
  kubelets: (KubeletScrape & { cluster: string })[];
}

export interface PrometheusOptions {
  dir: string;
  port: number;
  targets: ScrapeTargets;
  scrapeSeconds: number;
  /** The file holding the token Yunbang's /metrics asks for (YUNBANG_MONITORING_TOKEN), when it asks for one. */
  yunbangCredentialsFile?: string;
  /** That token itself: written to a file beside the configuration. */
  yunbangToken?: string;
  /** Rule files Prometheus evaluates (alerts), and the Alertmanager it sends firing alerts to. */
  ruleFiles?: string[];
  alertmanager?: string;
  logDir: string;
  pidDir?: string;
}

/** The configuration file: a pure function of the targets. */
export function renderPrometheusConfig(o: Pick<PrometheusOptions, 'targets' | 'scrapeSeconds' | 'ruleFiles' | 'alertmanager' | 'yunbangCredentialsFile'>): string {
  const s = `${o.scrapeSeconds}s`;
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  const lines = [
    'global:',
    `  scrape_interval: ${s}`,
    `  evaluation_interval: ${s}`,
    ...(o.ruleFiles?.length ? ['rule_files:', ...o.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)] : []),
    ...(o.alertmanager ? ['alerting:', '  alertmanagers:', `    - static_configs: [{ targets: [${JSON.stringify(o.alertmanager)}] }]`] : []),
    'scrape_configs:',
    '  - job_name: yunbang',
    ...(o.yunbangCredentialsFile ? [`    authorization: { type: Bearer, credentials_file: ${JSON.stringify(o.yunbangCredentialsFile)} }`] : []),
    `    static_configs: [{ targets: ${list(o.targets.yunbang)} }]`,
    '  - job_name: gateway',
    `    static_configs: [{ targets: ${list(o.targets.gateways)} }]`,
  ];
  // The kubelet's resource metrics: CPU and memory per container, as metrics-server reads them.
  o.targets.kubelets.forEach((k, i) => lines.push(
    `  - job_name: kubelet-${i + 1}`,
    '    scheme: https',
    '    metrics_path: /metrics/resource',
    `    tls_config: { ca_file: ${JSON.stringify(k.caFile)}, cert_file: ${JSON.stringify(k.certFile)}, key_file: ${JSON.stringify(k.keyFile)} }`,
    `    static_configs: [{ targets: [${JSON.stringify(k.address)}], labels: { cluster: ${JSON.stringify(k.cluster)}, node: ${JSON.stringify(k.node)} } }]`,
  ));
  return `${lines.join('\n')}\n`;
}

export interface LocalPrometheus { url: string; stop(): Promise<void> }

export async function startPrometheus(o: PrometheusOptions): Promise<LocalPrometheus> {
  mkdirSync(join(o.dir, 'data'), { recursive: true });
  const config = join(o.dir, 'prometheus.yml');
  const tokenFile = join(o.dir, 'yunbang.token');
  if (o.yunbangToken) writeFileSync(tokenFile, o.yunbangToken, { mode: 0o600 });
  writeFileSync(config, renderPrometheusConfig({ ...o, yunbangCredentialsFile: o.yunbangToken ? tokenFile : o.yunbangCredentialsFile }));
  const url = `http://127.0.0.1:${o.port}`;
  const logFile = join(o.logDir, 'prometheus.log');
  const child = startProcess('prometheus', [
    `--config.file=${config}`, `--storage.tsdb.path=${join(o.dir, 'data')}`, `--web.listen-address=127.0.0.1:${o.port}`,
    // A week, as the API's longest window; a developer's machine is not a metrics store.
    '--storage.tsdb.retention.time=8d', '--storage.tsdb.retention.size=2GB', '--log.level=warn',
    // Debian's package serves its web UI from its own files; Yunbang only uses the HTTP API.
    '--web.enable-lifecycle',
  ], logFile, { pidFile: o.pidDir ? join(o.pidDir, 'prometheus.pid') : undefined });
  await waitFor('prometheus', async () => (await fetch(`${url}/-/ready`)).ok, 30_000, child, logFile);
  return { url, stop: () => stopProcess(child) };
}
