import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, chmodSync, writeFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExponentialBackoff, type IBackoff } from 'cockatiel';
import { etcdClient } from '../src/publish/etcd-client.js';
import { log as rootLog } from '../src/log.js';
import type { GatewayConfig } from './config.js';
import { CertStore, type Issuer } from './certs.js';
import { ensureLocalCa, issueFromLocalCa } from './local-ca.js';
import { ChallengeAnswers, acmeIssuer } from './acme.js';
import { GatewayMetrics, followAccessLog } from './metrics.js';
import { Nginx, controlSocket } from './nginx.js';
import { renderConfig, renderedVersion, type RenderRoute, type RenderSettings } from './render.js';
import { parseRoutes, type Route } from './routes.js';
import { PlatformUpstream, withPlatformRoute } from './platform-route.js';
import { watchRoutes, type RouteSource } from './source.js';
import { startStatusServer, type StatusServer } from './status.js';
import { SharedCerts } from './shared-certs.js';
import { startWaker } from './waker.js';
import { reportActivity } from './activity.js';
import { wakeKey } from '../src/publish/etcd.js';

/**
 * The gateway process: etcd's routes/ prefix in, a running nginx out. Every change takes the same
 * path: parse and validate the records, find certificates, render the whole configuration (pure),
 * and if the text changed, write it next to the live one, check it with `nginx -t`, put it in
 * place with a rename, reload, and wait until nginx answers with the new version. Bursts of
 * changes are coalesced. A configuration that fails the check is never loaded: the last good one
 * keeps serving, and /readyz and a metric say why. It keeps no state that matters: any number of
 * gateways can watch the same etcd.
 */
export interface Gateway {
  metrics: GatewayMetrics;
  /** The status server's address (/healthz, /readyz, /metrics). */
  statusUrl: string;
  /** What was last applied: the routes served, and the last rejection if the newest text was refused. */
  state(): GatewayState;
  /** Resolves once the configuration for everything seen so far is being served. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export interface GatewayState {
  nginxRunning: boolean;
  etcdSynced: boolean;
  etcdConnected: boolean;
  routes: number;
  /** Records read from etcd so far (served or skipped), applied or not yet. */
  seen: number;
  version: string;
  lastError: string | null;
  skipped: { key: string; reason: string }[];
  tlsWithoutCertificate: string[];
}

const log = rootLog.child({ component: 'gateway' });

/** Test seams only: `transform` changes the rendered text before it is checked (to stand in for a defect). */
export interface GatewayHooks { transform?: (text: string) => string }

export async function startGateway(c: GatewayConfig, hooks: GatewayHooks = {}): Promise<Gateway> {
  const dir = resolve(c.dir);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const metrics = new GatewayMetrics();
  const controlListen = `unix:${controlSocket(dir)}`;
  const asRoot = process.getuid?.() === 0;
  const etcd = etcdClient(c.etcdEndpoints, {
    // Resume a broken watch within seconds, not the default 30 s ceiling.
    // (etcd3 declares an IBackoff but calls .next() on it first, as on the factory its docs pass.)
    faultHandling: { watchBackoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 2000 }) as unknown as IBackoff<unknown> },
  });
  const answers = c.acme ? new ChallengeAnswers(etcd) : null;
  let source: RouteSource | undefined;
  let nginxRef: Nginx | undefined;
  let appliedText: string | undefined;
  // Routes known: etcd's served at least once, or the last run's restored. Before that a new replica
  // would answer 404 for every host, so the Service must not send it traffic (/servingz).
  let routesServed = false;
  let lastError: string | null = null;
  const status: StatusServer = await startStatusServer(c.statusListen, {
    metrics,
    acmeAnswer: answers ? (token) => answers.get(token) : undefined,
    health: () => ({ ok: nginxRef?.pid !== undefined && appliedText !== undefined, detail: nginxRef?.pid === undefined ? 'nginx is not running' : 'serving' }),
    serving: () => ({
      ok: nginxRef?.pid !== undefined && routesServed,
      detail: nginxRef?.pid === undefined ? 'nginx is not running' : routesServed ? 'serving the routes' : 'routes not yet read from etcd',
    }),
    readiness: () => {
      const reasons: string[] = [];
      if (nginxRef?.pid === undefined) reasons.push('nginx is not running');
      if (!source?.synced()) reasons.push('routes not yet read from etcd');
      if (lastError) reasons.push(lastError);
      return { ok: reasons.length === 0, reasons };
    },
  });
  const settings: RenderSettings = {
    prefix: dir, tempDir: workerTempDir(dir, asRoot), httpListen: c.httpListen, httpsListen: c.httpsListen, httpsPublicPort: c.httpsPublicPort,
    accessLog: c.requestMetrics ? join(dir, 'logs', 'access.log') : null, accessLogFile: c.accessLogFile,
    acmeChallenge: answers ? `127.0.0.1:${new URL(status.url).port}` : null, controlListen,
    workerProcesses: c.workers, user: asRoot ? workerUser() : null, clientMaxBodySize: c.maxBody,
    proxyConnectTimeoutSeconds: 5, proxyReadTimeoutSeconds: c.readTimeoutSeconds, workerShutdownTimeoutSeconds: c.shutdownTimeoutSeconds,
    wakeTimeoutSeconds: c.wakeTimeoutSeconds,
    // Where nginx's workers can reach it (the gateway's own directory may be closed to their user).
    wakerListen: null,
  };
  settings.wakerListen = `unix:${join(settings.tempDir, 'waker.sock')}`;

  // Replicas share what they issue (sealed in etcd) when they hold the gateway key.
  const shared = c.gatewayKey ? new SharedCerts(etcd, c.gatewayKey, c.certDir, () => schedule()) : null;
  const ownIssuer = answers && c.acme
    ? await acmeIssuer({ ...c.acme, accountKeyFile: join(dir, 'acme', 'account.key'), sharedAccountKey: shared ? (create) => shared.accountKey(create) : undefined }, answers)
    : c.localCaDir ? await localCaIssuer(c.localCaDir) : null;
  const issuer = ownIssuer && shared ? shared.issuer(ownIssuer) : ownIssuer;
  const certs = new CertStore({ write: c.certDir, read: c.mountedCertDir ? [c.mountedCertDir] : [] }, issuer, (host, error) => {
    if (error) log.warn({ host, issuer: issuer?.name, error }, 'could not issue a certificate; the host is served over plain HTTP meanwhile');
    else { log.info({ host, issuer: issuer?.name }, 'certificate issued'); schedule(); }
  });

  const nginx = new Nginx({ bin: c.nginx, prefix: dir, wrapper: c.netns ? ['nsenter', `--net=${c.netns}`] : undefined, onUnexpectedExit: (code, signal) => log.error({ code, signal }, 'nginx exited; starting it again') });
  nginxRef = nginx;
  // Scale to zero: requests to sleeping apps wait at the waker; apps that may sleep have their requests reported.
  const waker = await startWaker({
    socket: settings.wakerListen!.slice('unix:'.length), timeoutSeconds: c.wakeTimeoutSeconds,
    wake: async (team, app) => {
      log.info({ team, app }, 'waking a sleeping app for a request');
      await etcd.put(wakeKey(team, app)).value(String(Date.now())).exec();
    },
  });
  const activity = reportActivity(etcd, c.activityEveryMs, (err) => log.warn({ error: err.message }, 'could not report app activity; retrying'));
  const accessLog = settings.accessLog
    ? followAccessLog(settings.accessLog, (line) => { const who = metrics.observeLine(line); if (who) activity.seen(who.team, who.app); }, () => nginx.reopenLogs())
    : { stop: () => {}, drain: () => {} };
  let records = new Map<string, string>();
  let skipped: GatewayState['skipped'] = [];
  let tlsWithoutCertificate: string[] = [];
  let routeCount = 0;
  let etcdConnected = false;
  let stopped = false;

  /** Routes with their certificates (TLS routes without a usable one are served over HTTP meanwhile). */
  const withCerts = (routes: Route[]): RenderRoute[] => {
    const missing: string[] = [];
    const out = routes.map((r) => {
      if (!r.tls || !c.httpsListen) return { ...r, cert: null };
      const found = certs.lookup(r.host, r.tls.secretName);
      if ('files' in found) return { ...r, cert: found.files };
      missing.push(r.host);
      return { ...r, cert: null };
    });
    tlsWithoutCertificate = missing;
    metrics.tlsMissing.set(missing.length);
    return out;
  };

  const platform = c.platform ? new PlatformUpstream(c.platform, () => schedule()) : null;

  const confPath = join(dir, 'nginx.conf');
  const routesFile = join(dir, 'routes.json');

  async function apply(): Promise<void> {
    const started = process.hrtime.bigint();
    const fromEtcd = parseRoutes(records, { addressMap: c.addressMap, allowed: c.upstreamCidrs, clusters: c.clusters });
    const served = withPlatformRoute(fromEtcd.routes, platform?.route() ?? null);
    const parsed = { routes: served.routes, skipped: [...fromEtcd.skipped, ...served.skipped] };
    for (const s of parsed.skipped) {
      if (!skipped.some((p) => p.key === s.key && p.reason === s.reason)) log.warn({ key: s.key, reason: s.reason }, 'route record skipped');
    }
    skipped = parsed.skipped;
    metrics.skipped.set(skipped.length);
    waker.update(parsed.routes);
    activity.sleepers(new Set(parsed.routes.filter((r) => r.canSleep).map((r) => `${r.team}/${r.app}`)));
    const rendered = renderConfig(withCerts(parsed.routes), settings);
    const text = hooks.transform ? hooks.transform(rendered) : rendered;
    if (text === appliedText) {
      // Nothing to do (never reload for an unchanged text), and what is served is current again.
      lastError = null;
      metrics.configValid.set(1);
      if (source?.synced()) routesServed = true;
      return;
    }
    const next = `${confPath}.next`;
    writeFileSync(next, text);
    const check = await nginx.check(next);
    if (!check.ok) {
      lastError = `nginx -t rejected the new configuration: ${check.message}`;
      metrics.reloads.inc({ outcome: 'rejected' });
      metrics.configValid.set(0);
      log.error({ error: check.message }, 'new configuration rejected; the last good one keeps serving');
      return;
    }
    renameSync(next, confPath);
    if (nginx.pid === undefined) {
      await nginx.start(confPath);
      await waitForVersion(controlListen, renderedVersion(text));
    } else {
      // Applied means: new workers answer with the new version, and no old worker still accepts.
      // (Every child counts as old: one forked a moment ago may not carry its title yet.)
      const old = nginx.children();
      nginx.reload();
      await waitForVersion(controlListen, renderedVersion(text));
      await waitUntil(() => !nginx.acceptingWorkers().some((w) => old.includes(w)), 10_000);
    }
    appliedText = text;
    lastError = null;
    if (source?.synced()) routesServed = true;
    routeCount = parsed.routes.length;
    metrics.routes.set(routeCount);
    for (const r of parsed.routes) metrics.knowApp(r.team, r.app);
    metrics.configValid.set(1);
    metrics.reloads.inc({ outcome: 'reloaded' });
    metrics.reloadDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    // Kept so that a restarted gateway serves what it last knew even before etcd answers.
    writeFileSync(routesFile, JSON.stringify([...records]));
  }

  // One apply at a time; changes during an apply (or the debounce window) make one more.
  let running: Promise<void> = Promise.resolve();
  let pending = false;
  let timer: NodeJS.Timeout | undefined;
  function schedule(): void {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (pending) return;
      pending = true;
      running = running.then(async () => {
        pending = false;
        if (stopped) return;
        try { await apply(); } catch (err) {
          lastError = (err as Error).message;
          log.error({ error: lastError }, 'applying the routes failed; retrying');
          setTimeout(schedule, 1000).unref();
        }
      });
    }, c.debounceMs);
  }

  // The platform's own address first (installed in a cluster): served from the first configuration.
  await platform?.start();
  // The certificates other replicas had issued, as soon as etcd answers.
  shared?.start();
  // Start serving at once: what the last run knew (if anything), then what etcd says.
  if (existsSync(routesFile)) {
    try { records = new Map(JSON.parse(readFileSync(routesFile, 'utf8')) as [string, string][]); routesServed = true; } catch { records = new Map(); }
  }
  try {
    await apply().catch(async (err) => {
      log.warn({ error: (err as Error).message }, 'the routes kept from the last run could not be served; starting empty');
      records = new Map();
      appliedText = undefined;
      await apply();
    });
  } catch (err) {
    // nginx cannot run (a port taken, the binary missing): give back what was started, and say why.
    await nginx.stop().catch(() => {});
    platform?.stop();
    await shared?.stop().catch(() => {});
    accessLog.stop();
    await status.close();
    await waker.close();
    await activity.stop().catch(() => {});
    etcd.close();
    throw err;
  }

  source = await watchRoutes(etcd, {
    onSnapshot: (snapshot) => {
      records = snapshot;
      // Requests held for a waking app go as soon as its pod is known, not after the debounce and
      // reload (they are sent to the pod's address, whatever nginx's configuration says yet).
      if (waker.held() > 0) waker.update(parseRoutes(records, { addressMap: c.addressMap, allowed: c.upstreamCidrs, clusters: c.clusters }).routes);
      schedule();
    },
    onState: (state, detail) => {
      const connected = state === 'connected';
      if (connected !== etcdConnected) log[connected ? 'info' : 'warn']({ detail }, connected ? 'etcd connected' : 'etcd unreachable; serving the last configuration');
      etcdConnected = connected;
      metrics.etcdConnected.set(connected ? 1 : 0);
    },
  });

  /** Waits until every change seen so far (certificates being issued included) is served, and no old worker accepts. */
  const settled = async () => {
    await new Promise((r) => setTimeout(r, 0));
    for (;;) {
      await certs.settled();
      if (!timer && !pending) { await running; if (!timer && !pending) return; }
      await running;
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  // Ready means serving what etcd says (when etcd answered): a restarted gateway restores every route before it returns.
  if (source.synced()) await settled();

  return {
    metrics,
    statusUrl: status.url,
    state: () => ({
      nginxRunning: nginx.pid !== undefined, etcdSynced: source?.synced() ?? false, etcdConnected, routes: routeCount, seen: records.size,
      version: appliedText ? renderedVersion(appliedText) : '', lastError, skipped, tlsWithoutCertificate,
    }),
    settled,
    stop: async () => {
      stopped = true;
      platform?.stop();
      await shared?.stop();
      if (timer) clearTimeout(timer);
      await source?.stop();
      await waker.close();
      await activity.stop().catch(() => {});
      etcd.close();
      await running.catch(() => {});
      await certs.settled();
      await status.close();
      await nginx.stop();
      accessLog.stop();
      if (settings.tempDir.startsWith(tmpdir())) rmSync(settings.tempDir, { recursive: true, force: true });
    },
  };
}

/** Polls nginx's control address until it answers with the new version (new workers are serving). */
async function waitForVersion(controlListen: string, version: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = await new Promise<string>((res) => {
      // A new connection each time: a kept-alive one could still be held by an old worker.
      const req = get({ socketPath: controlListen.replace(/^unix:/, ''), path: '/yunbang-config', agent: false }, (r) => {
        let b = '';
        r.on('data', (d) => { b += d; });
        r.on('end', () => res(b));
      });
      req.on('error', () => res(''));
      req.setTimeout(1000, () => req.destroy());
    });
    if (body === version) return;
    if (Date.now() > deadline) throw new Error(`nginx did not take up configuration ${version} within ${timeoutMs} ms (it answers "${body}")`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`old nginx workers still accepting after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Where nginx's workers write buffered bodies. As root, workers run as an unprivileged user who
 * must be able to reach the directory, and a checkout may sit under a 0700 home directory: use a
 * directory of its own under the system's temp dir instead.
 */
function workerTempDir(dir: string, asRoot: boolean): string {
  if (!asRoot) { mkdirSync(join(dir, 'tmp'), { recursive: true }); return join(dir, 'tmp'); }
  const t = mkdtempSync(join(tmpdir(), 'yunbang-gateway-'));
  chmodSync(t, 0o755);
  return t;
}

/** The unprivileged user (and group) nginx's workers run as when it starts as root. */
function workerUser(): string {
  const groups = existsSync('/etc/group') ? readFileSync('/etc/group', 'utf8') : '';
  return /^nogroup:/m.test(groups) ? 'nobody nogroup' : 'nobody nobody';
}

async function localCaIssuer(caDir: string): Promise<Issuer> {
  const ca = await ensureLocalCa(caDir);
  return { name: 'local CA', issue: (host) => issueFromLocalCa(ca, host) };
}
