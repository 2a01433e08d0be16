import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAlertRules } from '../../src/observe/alerts.js';
import { ALERT_GROUPING, startAlertmanager } from './alertmanager.js';
import { startPrometheus, type ScrapeTargets } from './prometheus.js';

/**
 * `npm start`'s metrics and alerts: Debian's Alertmanager, posting to the API's receiver, and
 * Debian's Prometheus, scraping the API, the gateway and the real node's kubelet and evaluating
 * Yunbang's alert rules (as production runs them: a 5-minute window, firing after a minute).
 */
export async function startObservability(o: {
  dir: string; logDir: string; pidDir: string; prometheusPort: number; alertmanagerPort: number;
  apiUrl: string; monitoringToken: string; targets: ScrapeTargets;
}): Promise<{ stop(): Promise<void> }> {
  mkdirSync(o.dir, { recursive: true });
  const rules = join(o.dir, 'yunbang-rules.yml');
  writeFileSync(rules, renderAlertRules());
  const alertmanager = await startAlertmanager({
    dir: join(o.dir, 'alertmanager'), port: o.alertmanagerPort, receiver: `${o.apiUrl}/hooks/alertmanager`, token: o.monitoringToken,
    ...ALERT_GROUPING, logDir: o.logDir, pidDir: o.pidDir,
  });
  try {
    const prometheus = await startPrometheus({
      dir: join(o.dir, 'prometheus'), port: o.prometheusPort, scrapeSeconds: 15, logDir: o.logDir, pidDir: o.pidDir,
      targets: o.targets, ruleFiles: [rules], alertmanager: alertmanager.address, yunbangToken: o.monitoringToken,
    });
    return { stop: async () => { await prometheus.stop(); await alertmanager.stop(); } };
  } catch (err) {
    await alertmanager.stop();
    throw err;
  }
}
