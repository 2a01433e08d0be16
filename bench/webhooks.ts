import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { run } from '../server/main.js';
import { freePort } from '../scripts/local/proc.js';
import { LOCAL_GIT_HOSTS } from '../scripts/local/stack.js';
import { percentile, type BenchStack } from './stack.js';

/**
 * `npm run bench -- webhooks`: a flood of 1,000 signed push deliveries in 10 s over 5 apps (30%
 * of them duplicates), as test/faults-webhooks.test.ts sends it, measured for answer times:
 * GitHub waits 10 s for an answer. Beside it, the baseline of deliveries sent one at a time.
 * The API process runs alone (no worker), so what is measured is the webhook path.
 */
const DELIVERIES = Number(process.env.BENCH_WEBHOOKS ?? 1000);
const out = (s: string) => process.stdout.write(`${s}\n`);
const ms = (v: number) => `${v.toFixed(0)} ms`;

export async function benchWebhooks(stack: BenchStack): Promise<void> {
  const admin = `bench-admin-${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const running = await run(['api'], {
    DATABASE_URL: await stack.freshDatabase(), ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG,
    YUNBANG_ADMIN_TOKEN: admin, YUNBANG_SECRET_KEY: randomBytes(32).toString('hex'), YUNBANG_GIT_ALLOWED_HOSTS: LOCAL_GIT_HOSTS,
    PORT: String(port), HOST: '127.0.0.1', YUNBANG_PUBLIC_URL: url, LOG_LEVEL: 'warn',
  });
  const call = async (method: string, path: string, body?: unknown) => (await fetch(`${url}/api/v1${path}`, {
    method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  })).json() as Promise<any>;
  try {
    await call('POST', '/teams', { name: 'hooks' });
    const hooks: { url: string; secret: string }[] = [];
    for (let i = 0; i < 5; i++) {
      await call('POST', '/teams/hooks/apps', { name: `svc${i}`, git: { url: `http://127.0.0.1:1/svc${i}.git`, branch: 'main' } });
      const h = await call('POST', `/teams/hooks/apps/svc${i}/webhook-secret`);
      hooks.push({ url: h.webhookUrl, secret: h.secret });
    }
    let seq = 0;
    const deliver = async (hook: { url: string; secret: string }, commit: string, delivery: string) => {
      const body = JSON.stringify({ ref: 'refs/heads/main', after: commit, head_commit: { id: commit, message: 'm', author: { name: 'Ada' } } });
      const t0 = performance.now();
      const res = await fetch(hook.url, {
        method: 'POST', body, signal: AbortSignal.timeout(60_000),
        headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': `sha256=${createHmac('sha256', hook.secret).update(body).digest('hex')}` },
      });
      await res.arrayBuffer();
      return { ms: performance.now() - t0, status: res.status };
    };
    const fresh = () => (++seq).toString(16).padStart(40, 'c');

    const baseline: number[] = [];
    for (let i = 0; i < 100; i++) baseline.push((await deliver(hooks[i % 5]!, fresh(), randomUUID())).ms);

    const sent: { hook: number; commit: string; delivery: string }[] = [];
    for (let i = 0; i < DELIVERIES; i++) {
      const roll = (i * 7919) % 100;
      const prior = sent.length > 0 ? sent[(i * 104729) % sent.length]! : undefined;
      if (roll < 15 && prior) sent.push(prior);
      else if (roll < 30 && prior) sent.push({ ...prior, delivery: randomUUID() });
      else sent.push({ hook: i % 5, commit: fresh(), delivery: randomUUID() });
    }
    const t0 = performance.now();
    const answers = await Promise.all(sent.map(async (d, i) => {
      await new Promise((r) => setTimeout(r, i * 10)); // 100 a second
      return deliver(hooks[d.hook]!, d.commit, d.delivery).catch(() => ({ ms: 60_000, status: 0 }));
    }));
    const elapsed = performance.now() - t0;
    const times = answers.map((a) => a.ms);
    const failed = answers.filter((a) => a.status !== 200 && a.status !== 202).length;
    out(`webhooks: ${DELIVERIES} deliveries in ${ms(elapsed)} (sent over ${DELIVERIES / 100} s), ${failed} not answered 200/202`);
    out(`  flood answers:      p50 ${ms(percentile(times, 50))}, p99 ${ms(percentile(times, 99))}, max ${ms(Math.max(...times))}   (GitHub waits 10,000 ms: max is ${(Math.max(...times) / 10_000).toFixed(2)}× that)`);
    out(`  baseline, the same deliveries one at a time: p50 ${ms(percentile(baseline, 50))}, p99 ${ms(percentile(baseline, 99))}   flood p50 ${(percentile(times, 50) / percentile(baseline, 50)).toFixed(2)}× of it`);
  } finally {
    await running.stop();
  }
}
