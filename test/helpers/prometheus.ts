import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { freePort } from '../../scripts/local/proc.js';
import { startPrometheus, type LocalPrometheus, type ScrapeTargets } from '../../scripts/local/prometheus.js';
import { startAlertmanager, type LocalAlertmanager } from '../../scripts/local/alertmanager.js';
import { renderAlertRules } from '../../src/observe/alerts.js';

/** Every 2 s in tests (15 s by default): a series shows load within a few scrapes. */
export const TEST_SCRAPE_SECONDS = 2;

/**
 * A real Prometheus (Debian's) for one test file: its port is chosen first, so the platform can be
 * started pointing at it (YUNBANG_PROMETHEUS_URL), then it is started with the file's targets.
 */
export async function prometheusPort(): Promise<{ port: number; env: Record<string, string> }> {
  const port = await freePort();
  return { port, env: { YUNBANG_PROMETHEUS_URL: `http://127.0.0.1:${port}`, YUNBANG_PROMETHEUS_SCRAPE_SECONDS: String(TEST_SCRAPE_SECONDS) } };
}

export async function startTestPrometheus(port: number, targets: ScrapeTargets, o: { ruleFiles?: string[]; alertmanager?: string; yunbangToken?: string } = {}): Promise<LocalPrometheus> {
  const dir = mkdtempSync(join(inject('stack').dir, 'prometheus-'));
  return startPrometheus({ dir, port, targets, scrapeSeconds: TEST_SCRAPE_SECONDS, logDir: dir, ...o });
}

/** host:port of a URL, as a scrape target. */
export const hostPort = (url: string) => new URL(url).host;

/**
 * Alerting for one test file: the rules file (a 20 s window, firing at once, so a test sees an
 * alert fire and resolve within a minute; production uses 5 minutes and 1 minute) and a real
 * Alertmanager (Debian's) that posts to the platform's receiver with the given token.
 */
export async function startTestAlerting(apiUrl: string, token: string): Promise<{ ruleFile: string; alertmanager: LocalAlertmanager }> {
  const dir = mkdtempSync(join(inject('stack').dir, 'alerting-'));
  const ruleFile = join(dir, 'yunbang-rules.yml');
  writeFileSync(ruleFile, renderAlertRules({ windowSeconds: 20, forSeconds: 0 }));
  const alertmanager = await startAlertmanager({
    dir, port: await freePort(), receiver: `${apiUrl}/hooks/alertmanager`, token, groupWaitSeconds: 1, groupIntervalSeconds: 2, logDir: dir,
  });
  return { ruleFile, alertmanager };
}
