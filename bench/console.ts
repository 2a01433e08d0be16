import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import pg from 'pg';
import { run } from '../server/main.js';
import { recordObserved } from '../src/status.js';
import { freePort } from '../scripts/local/proc.js';
import { percentile, type BenchStack } from './stack.js';

/**
 * `npm run bench -- console`: the web console's budgets, in Debian's headless Chromium.
 * - First-load JavaScript, gzipped (the entry and what it preloads; lazy screens excluded),
 *   against the 250 KB budget.
 * - The team page with 200 apps: from navigation start to all 200 rows rendered (performance.now
 *   in the page), against the 1 s budget and against the same 200-row table as plain HTML from a
 *   bare server in the same run.
 * - A status change: from its recording (the worker's write, done here directly) to the row's new
 *   health in the browser, against the same change reaching a bare SSE client of the same
 *   subscription (the API's own latency) in the same run, and the 500 ms budget.
 * The API runs alone (no worker): statuses are written by this bench, so only the console's path
 * is measured.
 */
const APPS = Number(process.env.BENCH_CONSOLE_APPS ?? 200);
const LOADS = 5;
const CHANGES = 20;
const out = (s: string) => process.stdout.write(`${s}\n`);
const dist = fileURLToPath(new URL('../console/dist/', import.meta.url));

/** The entry script and every chunk it imports statically, recursively (lazy `import()`s excluded). */
function firstLoadJs(): number {
  const html = readFileSync(`${dist}index.html`, 'utf8');
  const queue = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const seen = new Set<string>();
  let bytes = 0;
  while (queue.length) {
    const f = queue.shift()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const code = readFileSync(`${dist}${f}`);
    bytes += gzipSync(code, { level: 9 }).length;
    for (const m of code.toString().matchAll(/(?:^|[;\n])\s*import\s*(?:[^"'();]*?from\s*)?["']\.\/([\w.-]+\.js)["']/g)) queue.push(`assets/${m[1]}`);
  }
  return bytes;
}

/** The baseline page: the same rows as static HTML, no script. */
function staticTable(names: string[]): string {
  const rows = names.map((n) => `<tr><td><a href="#">${n}</a></td><td>Ready</td><td>1/1</td><td>registry.example/${n}:1</td><td>${n}.localhost</td><td>now</td></tr>`).join('');
  return `<!doctype html><html><head><title>baseline</title></head><body><table><tbody>${rows}</tbody></table></body></html>`;
}

export async function benchConsole(stack: BenchStack): Promise<void> {
  out('\n## console (Debian Chromium, headless)');
  const js = firstLoadJs();
  out(`first-load JS: ${(js / 1024).toFixed(1)} KB gzipped = ${(js / (250 * 1024)).toFixed(2)}x the 250 KB budget`);

  const admin = `bench-admin-${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const databaseUrl = await stack.freshDatabase();
  const running = await run(['api'], {
    DATABASE_URL: databaseUrl, ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG,
    YUNBANG_ADMIN_TOKEN: admin, YUNBANG_SECRET_KEY: randomBytes(32).toString('hex'), PORT: String(port), HOST: '127.0.0.1', YUNBANG_PUBLIC_URL: url, LOG_LEVEL: 'warn',
    YUNBANG_TEAM_QUOTA: 'pods=2000,requests.cpu=200,requests.memory=400Gi,limits.cpu=400,limits.memory=800Gi', // room for the apps
  });
  const call = async (method: string, path: string, body?: unknown) => (await fetch(`${url}/api/v1${path}`, {
    method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  })).json() as Promise<any>;
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const baseline = createServer((_q, res) => { res.setHeader('content-type', 'text/html'); res.end(table); });
  let table = '';
  try {
    await call('POST', '/teams', { name: 'bench' });
    const names = Array.from({ length: APPS }, (_, i) => `app-${String(i).padStart(3, '0')}`);
    for (const name of names) {
      const created = await call('POST', '/teams/bench/apps', { name, image: `registry.example/${name}:1`, port: 8080 });
      if (created.name !== name) throw new Error(`creating ${name}: ${JSON.stringify(created)}`);
    }
    const ids = new Map((await db.query<{ id: string; name: string }>('SELECT id, name FROM apps')).rows.map((r) => [r.name, r.id]));
    const status = (health: 'Ready' | 'Degraded') => ({ health, reason: health, message: health, readyReplicas: health === 'Ready' ? 1 : 0, desiredReplicas: 1, observedGeneration: 1, endpoints: [] });
    for (const id of ids.values()) await recordObserved(db, id, status('Ready'));
    table = staticTable(names);
    await new Promise<void>((r) => baseline.listen(0, '127.0.0.1', () => r()));
    const baseUrl = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}/`;

    const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
    await context.request.post('/auth/session', { data: { token: admin } });
    const page = await context.newPage();
    await page.goto('/teams/bench'); // warm: assets cached, as on any visit after the first
    await page.locator('tr[data-app]').nth(APPS - 1).waitFor({ timeout: 60_000 }).catch(async (err: Error) => {
      await page.screenshot({ path: '/tmp/bench-console.png' });
      throw err;
    });

    const loads: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      await page.goto('/teams/bench');
      await page.waitForFunction((n) => document.querySelectorAll('tr[data-app]').length === n, APPS, { polling: 'raf', timeout: 30_000 });
      loads.push(await page.evaluate(() => performance.now()));
      await page.goto(baseUrl);
      await page.waitForFunction((n) => document.querySelectorAll('tr').length === n, APPS, { polling: 'raf' });
      bare.push(await page.evaluate(() => performance.now()));
    }
    const med = (v: number[]) => percentile(v, 50);
    out(`team page, ${APPS} apps, rendered: p50 ${med(loads).toFixed(0)} ms (max ${Math.max(...loads).toFixed(0)}) = ${(med(loads) / 1000).toFixed(2)}x the 1 s budget; `
      + `${(med(loads) / med(bare)).toFixed(1)}x the same table as static HTML (${med(bare).toFixed(0)} ms)`);

    // Status changes: the browser's row against a bare SSE client of the same subscription.
    await page.goto('/teams/bench');
    await page.locator('tr[data-app]').nth(APPS - 1).waitFor();
    const { csrfToken } = await (await context.request.get('/auth/session')).json() as { csrfToken: string };
    const cookie = (await context.cookies()).find((c) => c.name === 'yb_session')!.value;
    const sse = new AbortController();
    const seen = new Map<string, number>();
    const res = await fetch(`${url}/graphql`, {
      method: 'POST', signal: sse.signal,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', cookie: `yb_session=${cookie}`, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ query: 'subscription { teamApps(team: "bench") { apps { name status { health } } } }' }),
    });
    void (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        const now = Date.now();
        for (const m of value!.matchAll(/"name":"([^"]+)","status":\{"health":"([^"]+)"/g)) seen.set(`${m[1]}:${m[2]}`, now);
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    const browserMs: number[] = [];
    const apiMs: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      // Each measured change turns a Ready app Degraded; it is set back (unmeasured) before the next.
      const name = names[(i * 37) % APPS]!;
      const shown = page.waitForFunction((n) => document.querySelector(`tr[data-app="${n}"] [data-health="Degraded"]`) ? Date.now() : false, name, { polling: 'raf', timeout: 10_000 });
      // The wait is set up before the write; a late first poll only makes the figure larger.
      const t0 = Date.now();
      await recordObserved(db, ids.get(name)!, status('Degraded'));
      browserMs.push(await (await shown).jsonValue() as number - t0);
      while (!seen.has(`${name}:Degraded`) && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 5));
      apiMs.push((seen.get(`${name}:Degraded`) ?? Date.now()) - t0);
      seen.clear();
      await recordObserved(db, ids.get(name)!, status('Ready'));
      await page.locator(`tr[data-app="${name}"] [data-health="Ready"]`).waitFor();
    }
    sse.abort();
    out(`status change recorded -> shown: p50 ${med(browserMs).toFixed(0)} ms, p95 ${percentile(browserMs, 95).toFixed(0)} ms = ${(percentile(browserMs, 95) / 500).toFixed(2)}x the 500 ms budget (p95); `
      + `the API's own SSE delivery p50 ${med(apiMs).toFixed(0)} ms (browser ${(med(browserMs) / Math.max(1, med(apiMs))).toFixed(1)}x)`);
  } finally {
    await browser.close();
    baseline.close();
    await db.end();
    await running.stop();
  }
}
