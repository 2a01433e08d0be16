import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Etcd3 } from 'etcd3';
import { run } from '../server/main.js';
import { routeKey } from '../src/publish/etcd.js';
import { loadGatewayConfig } from '../gateway/config.js';
import { startGateway } from '../gateway/gateway.js';
import { renderConfig } from '../gateway/render.js';
import { parseRoutes } from '../gateway/routes.js';
import { LOCAL_ADDRESS_MAP, LOOPBACK, mapAddress, parseAddressMap, parseCidr } from '../gateway/address-map.js';
import { Nginx } from '../gateway/nginx.js';
import { freePort } from '../scripts/local/proc.js';
import { percentile, type BenchStack } from './stack.js';
import { autocannon } from './load.js';

/**
 * `npm run bench -- gateway`: the routing layer on the local stack, each figure beside a baseline
 * measured in the same run.
 *  - route propagation: createApp returning → first 200 through the gateway (beside: → the route
 *    with a ready endpoint in etcd, i.e. what Kubernetes and the worker take);
 *  - proxy overhead: the same load generator (autocannon, its own process) against a simulated
 *    pod directly and through the gateway;
 *  - reload cost with 1,000 routes (beside 10): render, nginx -t, reload; one change served;
 *  - a rolling update under 50 requests/s: failed requests.
 * Every connection stays on loopback.
 */
const APPS = Number(process.env.BENCH_GATEWAY_APPS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUTES = Number(process.env.BENCH_GATEWAY_ROUTES ?? 1000);

const ms = (v: number) => `${v.toFixed(0)} ms`;
const out = (s: string) => process.stdout.write(`${s}\n`);

function get(port: number, host: string, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 10): Promise<number> {
  const t0 = performance.now();
  while (!(await check())) {
    if (performance.now() - t0 > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return performance.now() - t0;
}

export async function benchGateway(stack: BenchStack): Promise<void> {
  const admin = `bench-${randomBytes(16).toString('hex')}`;
  const [httpPort] = [await freePort()];
  const env = {
    DATABASE_URL: await stack.freshDatabase(), ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG,
    YUNBANG_SECRET_KEY: `bench-key-${randomBytes(16).toString("hex")}`, YUNBANG_ADMIN_TOKEN: admin, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', YUNBANG_TEAM_QUOTA: 'pods=2000',
    YUNBANG_RESYNC_SECONDS: '3600', YUNBANG_APPS_HTTP_PORT: String(httpPort),
  };
  const running = await run(['api', 'worker'], env);
  const gatewayDir = mkdtempSync(join(tmpdir(), 'yunbang-bench-gateway-'));
  const gateway = await startGateway(loadGatewayConfig({
    ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, YUNBANG_GATEWAY_DIR: gatewayDir, YUNBANG_GATEWAY_HTTP_LISTEN: `127.0.0.1:${httpPort}`,
    YUNBANG_GATEWAY_HTTPS_LISTEN: 'off', YUNBANG_GATEWAY_STATUS_LISTEN: '127.0.0.1:0',
    YUNBANG_GATEWAY_ADDRESS_MAP: LOCAL_ADDRESS_MAP, YUNBANG_GATEWAY_UPSTREAM_CIDRS: LOOPBACK, LOG_LEVEL: 'silent',
  }));
  const etcd = new Etcd3({ hosts: stack.ETCD_ENDPOINTS });
  const base = `http://127.0.0.1:${(running.server!.address() as AddressInfo).port}/api/v1`;
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<any>;
  };
  const fake: string[] = [];
  try {
    await call('POST', '/teams', { name: 'gw' });
    out(`\nGateway benchmark (2 cores shared by the control plane, the simulated pods, nginx and the load generator)`);

    // (1) Route propagation.
    const toEtcd: number[] = [];
    const to200: number[] = [];
    for (let i = 0; i < APPS; i++) {
      const app = await call('POST', '/teams/gw/apps', { name: `p${i}`, image: 'registry.example/web:1', port: 8080 });
      const t0 = performance.now();
      let etcdAt = 0;
      await until(async () => {
        if (!etcdAt) {
          const r = await etcd.get(routeKey(app.defaultDomain)).json() as { endpoints: string[] } | null;
          if (r && r.endpoints.length > 0) etcdAt = performance.now() - t0;
        }
        return (await get(httpPort, app.defaultDomain)).status === 200;
      });
      to200.push(performance.now() - t0);
      toEtcd.push(etcdAt || performance.now() - t0);
    }
    out(`\nroute propagation, ${APPS} apps one after another: createApp returning → first 200 through the gateway`);
    out(`  → ready endpoint in etcd   p50 ${ms(percentile(toEtcd, 50))}  p95 ${ms(percentile(toEtcd, 95))}   (Kubernetes, simulated node, worker)`);
    out(`  → first 200 via gateway    p50 ${ms(percentile(to200, 50))}  p95 ${ms(percentile(to200, 95))}   ratio p50 ${(percentile(to200, 50) / percentile(toEtcd, 50)).toFixed(2)}×  (target p50 ≤ 1500 ms)`);

    // (2) Proxy overhead: one pod, directly and through the gateway, same client. Once against a pod
    // that answers at once (the proxy's own CPU cost, on the 2 cores the pod and the client share),
    // once against one that takes 5 ms per request, as an app that does some work does.
    const slowApp = await call('POST', '/teams/gw/apps', { name: 'work', image: 'registry.example/web:1', port: 8080, env: [{ name: 'YUNBANG_SIM', value: 'slow=5ms' }] });
    await until(async () => (await get(httpPort, slowApp.defaultDomain)).status === 200);
    await gateway.settled();
    out(`\nproxy overhead: autocannon (its own process), 10 connections, ${SECONDS}s each, against one simulated pod`);
    out(`  ${'target'.padEnd(48)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'req/s vs direct'.padStart(16)}`);
    let endpoint = '';
    let port = '';
    for (const [label, name] of [['pod answering at once', 'p0'], ['pod taking 5 ms a request', 'work']] as const) {
      const a = await call('GET', `/teams/gw/apps/${name}`);
      endpoint = name === 'p0' ? a.status.endpoints[0] : endpoint;
      const [ip, p] = [a.status.endpoints[0].split(':')[0]!, a.status.endpoints[0].split(':')[1]!];
      if (name === 'p0') port = p;
      const direct = `http://${mapAddress(ip, parseAddressMap(LOCAL_ADDRESS_MAP))}:${p}/`;
      await autocannon(direct, null, 2);
      const d = await autocannon(direct, null, SECONDS);
      await autocannon(`http://127.0.0.1:${httpPort}/`, a.defaultDomain, 2);
      const g = await autocannon(`http://127.0.0.1:${httpPort}/`, a.defaultDomain, SECONDS);
      if (d.errors + d.non2xx + g.errors + g.non2xx > 0) throw new Error(`proxy overhead run had failures: ${JSON.stringify({ d, g })}`);
      for (const [how, r] of [['directly', d], ['through the gateway', g]] as const) {
        out(`  ${`${label}, ${how}`.padEnd(48)} ${r.rps.toFixed(0).padStart(8)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)} ${(r.rps / d.rps).toFixed(2).padStart(16)}`);
      }
    }
    out(`  (target ≥ 0.80× the direct throughput)`);

    // (3) Reload cost with many routes: fake records pointing at the same pod.
    const record = JSON.stringify({ team: 'gw', app: 'p0', service: 'x', port: Number(port), endpoints: [endpoint], stopped: false, tls: null });
    const measureAt = async (n: number) => {
      while (fake.length < n) {
        const batch: Promise<unknown>[] = [];
        for (let k = 0; k < 100 && fake.length < n; k++) { const h = `r${fake.length}.bench.example`; fake.push(h); batch.push(etcd.put(routeKey(h)).value(record).exec()); }
        await Promise.all(batch);
      }
      await until(async () => (await get(httpPort, fake[n - 1]!)).status === 200, 60_000, 20);
      await gateway.settled();
      // Pure render, and nginx -t on that text, outside the running gateway.
      const records = new Map(Object.entries(await etcd.getAll().prefix('/yunbang/v1/routes/').strings()));
      const policy = { addressMap: parseAddressMap(LOCAL_ADDRESS_MAP), allowed: [parseCidr(LOOPBACK)] };
      const r0 = performance.now();
      const routes = parseRoutes(records, policy).routes.map((r) => ({ ...r, cert: null }));
      const text = renderConfig(routes, { prefix: gatewayDir, tempDir: join(gatewayDir, 'tmp'), httpListen: '127.0.0.1:1', httpsListen: null, httpsPublicPort: 443, accessLog: join(gatewayDir, 'logs', 'bench-access.log'), accessLogFile: null, acmeChallenge: null, controlListen: '127.0.0.1:2', workerProcesses: 1, user: null, clientMaxBodySize: '1m', proxyConnectTimeoutSeconds: 5, proxyReadTimeoutSeconds: 60, workerShutdownTimeoutSeconds: 10, wakerListen: null, wakeTimeoutSeconds: 30 });
      const render = performance.now() - r0;
      const conf = join(gatewayDir, `bench-${n}.conf`);
      const fs = await import('node:fs');
      fs.mkdirSync(join(gatewayDir, 'tmp'), { recursive: true });
      fs.writeFileSync(conf, text);
      const nginx = new Nginx({ bin: '/usr/sbin/nginx', prefix: gatewayDir });
      const c0 = performance.now();
      const check = await nginx.check(conf);
      const checkMs = performance.now() - c0;
      if (!check.ok) throw new Error(check.message);
      // One more route with n loaded: from the etcd write to its first 200.
      const h = `new-${n}-${randomBytes(3).toString('hex')}.bench.example`;
      fake.push(h);
      const t0 = performance.now();
      await etcd.put(routeKey(h)).value(record);
      await until(async () => (await get(httpPort, h)).status === 200, 30_000, 5);
      const change = performance.now() - t0;
      await gateway.settled();
      return { routes: routes.length, render, checkMs, change, bytes: text.length };
    };
    const small = await measureAt(10);
    const large = await measureAt(ROUTES);
    const reloads = readFileSync(join(gatewayDir, 'nginx.conf'), 'utf8').length;
    out(`\nreload cost: ${large.routes} routes loaded (config ${(reloads / 1024).toFixed(0)} KiB) beside ${small.routes}`);
    out(`  ${''.padEnd(30)} ${`${small.routes} routes`.padStart(11)} ${`${large.routes} routes`.padStart(13)} ${'ratio'.padStart(7)}`);
    for (const [name, a, b] of [
      ['render (pure)', small.render, large.render], ['nginx -t', small.checkMs, large.checkMs],
      ['one change: etcd write → 200', small.change, large.change],
    ] as const) out(`  ${name.padEnd(30)} ${ms(a).padStart(11)} ${ms(b).padStart(13)} ${(b / a).toFixed(1).padStart(6)}×`);

    for (const h of fake) await etcd.delete().key(routeKey(h));
    fake.length = 0;

    // (4) A rolling update under load.
    const web = await call('POST', '/teams/gw/apps', { name: 'roll', image: 'registry.example/web:1', port: 8080, replicas: 2, healthCheckPath: '/healthz', env: [{ name: 'YUNBANG_SIM', value: 'warmup=2s' }] });
    await until(async () => { const a = await call('GET', '/teams/gw/apps/roll'); return a.status.readyReplicas === 2; });
    await until(async () => (await get(httpPort, web.defaultDomain)).status === 200);
    await gateway.settled();
    let sent = 0;
    const failures: number[] = [];
    const inflight = new Set<Promise<void>>();
    const timer = setInterval(() => {
      sent++;
      const p = get(httpPort, web.defaultDomain).then((r) => { if (r.status !== 200) failures.push(r.status); }).finally(() => inflight.delete(p));
      inflight.add(p);
    }, 20);
    const r0 = performance.now();
    await call('PATCH', '/teams/gw/apps/roll', { image: 'registry.example/web:2' });
    await until(async () => {
      const a = await call('GET', '/teams/gw/apps/roll');
      if (a.currentRelease !== 2 || a.status.readyReplicas !== 2 || a.status.observedGeneration !== a.generation) return false;
      const r = await get(httpPort, web.defaultDomain);
      return r.status === 200 && JSON.parse(r.body).image === 'registry.example/web:2';
    }, 60_000, 100);
    const rollMs = performance.now() - r0;
    await new Promise((r) => setTimeout(r, 1000));
    clearInterval(timer);
    await Promise.all([...inflight]);
    out(`\nrolling update of 2 replicas (2 s warm-up each) under 50 requests/s: ${sent} requests over ${ms(rollMs + 1000)}, ${failures.length} failed (target 0)${failures.length ? `: ${[...new Set(failures)].join(', ')}` : ''}`);
  } finally {
    for (const h of fake) await etcd.delete().key(routeKey(h)).catch(() => {});
    etcd.close();
    await gateway.stop();
    await running.stop();
  }
}
