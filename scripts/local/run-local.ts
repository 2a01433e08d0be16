import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run } from '../../server/main.js';
import { loadGatewayConfig } from '../../gateway/config.js';
import { startGateway, type Gateway } from '../../gateway/gateway.js';
import { LOCAL_ADDRESS_MAP, LOOPBACK } from '../../gateway/address-map.js';
import { portInUse } from './proc.js';
import { alive, stopLeftover } from '../../src/proc/leftovers.js';
import { LOCAL_BUILD_CPU_REQUEST, LOCAL_GIT_HOSTS, startStack, type ExtraCluster, type NodeKind } from './stack.js';
import { forwardIntoNode } from './node/forward.js';
import { startObservability } from './observability.js';
import { registerExternalMetrics } from './node/api-service.js';
import * as k8s from '@kubernetes/client-node';

/**
 * `npm start`: the whole platform on one machine. Starts what is not given by environment
 * (DATABASE_URL, ETCD_ENDPOINTS, KUBECONFIG), then the API, the worker and the gateway in this
 * process. Apps get default domains under `localhost` (curl and browsers resolve *.localhost to
 * loopback), served by the gateway on 127.0.0.1:8088, and with YUNBANG_TLS=1 over HTTPS on 8443
 * with certificates from a local CA. Everything lives under .yunbang/; a second start reuses it.
 * Ctrl-C stops all of it.
 */
const dir = resolve(process.env.YUNBANG_HOME ?? '.yunbang');
const envFile = join(dir, 'local.env');
const say = (m: string) => process.stdout.write(`[yunbang] ${m}\n`);

function previousEnv(): Record<string, string> {
  if (!existsSync(envFile)) return {};
  return Object.fromEntries(readFileSync(envFile, 'utf8').split('\n').filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

function keyFile(path: string): string {
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(path, 'utf8').trim();
}

/**
 * The first local cluster has a real node (containerd, runc, the kubelet), unless
 * YUNBANG_LOCAL_NODE=simulated asks for the simulated one (it needs no root: network and mount
 * namespaces do). YUNBANG_LOCAL_CLUSTERS=2 adds a second cluster (`local-2`, simulated) to try
 * placement and migration on one machine.
 */
function localNodes(): NodeKind[] {
  const n = Number(process.env.YUNBANG_LOCAL_CLUSTERS ?? 1);
  if (!Number.isInteger(n) || n < 1 || n > 4) throw new Error('YUNBANG_LOCAL_CLUSTERS must be 1, 2, 3 or 4');
  const first = process.env.YUNBANG_LOCAL_NODE ?? (process.getuid?.() === 0 ? 'real' : 'simulated');
  if (!process.env.YUNBANG_LOCAL_NODE && first === 'simulated') {
    say('not running as root: the node is simulated (a real node needs root for its network and mount namespaces)');
  }
  if (first !== 'real' && first !== 'simulated') throw new Error('YUNBANG_LOCAL_NODE must be real or simulated');
  return [first, ...Array<NodeKind>(n - 1).fill('simulated')];
}

async function main() {
  const stack = await startStack({
    dir, ports: 'fixed', persistent: true, progress: say, nodes: localNodes(),
    use: { DATABASE_URL: process.env.DATABASE_URL, ETCD_ENDPOINTS: process.env.ETCD_ENDPOINTS, KUBECONFIG: process.env.KUBECONFIG },
  });
  const adminToken = process.env.YUNBANG_ADMIN_TOKEN ?? previousEnv().YUNBANG_TOKEN ?? `yba_${randomBytes(24).toString('base64url')}`;
  // Seals git credentials at rest: kept beside the data it seals, so a restart can still open them.
  const secretKey = process.env.YUNBANG_SECRET_KEY ?? keyFile(join(dir, 'secret.key'));
  const port = process.env.PORT ?? '8080';
  const url = `http://localhost:${port}`;
  const tls = process.env.YUNBANG_TLS === '1';
  const gatewayPorts = { http: Number(process.env.YUNBANG_GATEWAY_PORT ?? 8088), https: Number(process.env.YUNBANG_GATEWAY_HTTPS_PORT ?? 8443), status: Number(process.env.YUNBANG_GATEWAY_STATUS_PORT ?? 8089) };
  // A run killed outright leaves its nginx (or, if the master was killed too, its workers) holding
  // the gateway's ports: stop it before asking whether they are free. (startStack has already
  // refused to start if another live stack uses this directory.)
  const gatewayDir = join(dir, 'gateway');
  if (await stopLeftover(join(gatewayDir, 'nginx.pid'), 'nginx')) say('stopped the gateway nginx a killed earlier run left running');
  for (const [what, p] of Object.entries(gatewayPorts)) {
    if ((what !== 'https' || tls) && await portInUse(p)) {
      await stack.stop();
      throw new Error(`port ${p} (gateway ${what}) is in use: is another Yunbang running? Stop it, or choose another with YUNBANG_GATEWAY_${what === 'http' ? '' : `${what.toUpperCase()}_`}PORT`);
    }
  }
  // Debian's Prometheus and Alertmanager (apps' metrics and alerts), unless a Prometheus is given.
  const ownPrometheus = !process.env.YUNBANG_PROMETHEUS_URL;
  const prometheusPort = Number(process.env.YUNBANG_PROMETHEUS_PORT ?? 9090);
  const alertmanagerPort = Number(process.env.YUNBANG_ALERTMANAGER_PORT ?? 9093);
  for (const [what, p] of [['Prometheus', prometheusPort], ['Alertmanager', alertmanagerPort]] as const) {
    if (ownPrometheus && await portInUse(p)) {
      await stack.stop();
      throw new Error(`port ${p} (${what}) is in use: choose another with YUNBANG_${what.toUpperCase()}_PORT, or point at a running Prometheus with YUNBANG_PROMETHEUS_URL`);
    }
  }
  const monitoringToken = process.env.YUNBANG_MONITORING_TOKEN ?? keyFile(join(dir, 'monitoring.token'));
  const prometheusUrl = process.env.YUNBANG_PROMETHEUS_URL ?? `http://127.0.0.1:${prometheusPort}`;
  const appsDomain = process.env.YUNBANG_APPS_DOMAIN ?? 'localhost';
  const caDir = join(dir, 'ca');
  say('starting the API and the worker');
  let running;
  let gateway: Gateway | undefined;
  let forwarded: { stop(): Promise<void> } | undefined;
  let observability: { stop(): Promise<void> } | undefined;
  let unregisterExternal: (() => Promise<void>) | undefined;
  try {
    running = await run(['api', 'worker'], {
      // The worker and the API as their own service accounts (k8s/install's RBAC), as in production.
      ...process.env, DATABASE_URL: stack.DATABASE_URL, ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG,
      YUNBANG_ADMIN_TOKEN: adminToken, YUNBANG_SECRET_KEY: secretKey, PORT: port,
      // The local stack's git servers are on loopback; a real install lists its internal git hosts, if any.
      YUNBANG_GIT_ALLOWED_HOSTS: process.env.YUNBANG_GIT_ALLOWED_HOSTS ?? LOCAL_GIT_HOSTS,
      // Loopback only: a development stack is not for the network, and a wildcard bind of the port
      // would keep simulated pods (served on 127.x addresses) from using the same port.
      HOST: process.env.HOST ?? '127.0.0.1',
      YUNBANG_PROMETHEUS_URL: prometheusUrl, YUNBANG_MONITORING_TOKEN: monitoringToken,
      // Apps' request targets: the API serves external.metrics.k8s.io on a loopback port, registered below.
      YUNBANG_EXTERNAL_METRICS_LISTEN: process.env.YUNBANG_EXTERNAL_METRICS_LISTEN ?? '127.0.0.1:0',
      // Drains to receivers on this machine (a developer's syslog on loopback); a real install lists its internal ones, if any.
      YUNBANG_OUTBOUND_ALLOWED_HOSTS: process.env.YUNBANG_OUTBOUND_ALLOWED_HOSTS ?? '127.0.0.1',
      YUNBANG_APPS_DOMAIN: appsDomain, YUNBANG_APPS_HTTP_PORT: String(gatewayPorts.http), YUNBANG_APPS_HTTPS_PORT: String(gatewayPorts.https),
      // A real node's builds push to its own registry, which pods reach at the node's address.
      ...(stack.realNode && !process.env.YUNBANG_REGISTRY ? { YUNBANG_REGISTRY: stack.realNode.registryInNode, YUNBANG_REGISTRY_CIDRS: `${stack.realNode.nodeIp}/32` } : {}),
      ...(stack.realNode && !process.env.YUNBANG_BUILD_CPU_REQUEST ? { YUNBANG_BUILD_CPU_REQUEST: LOCAL_BUILD_CPU_REQUEST } : {}),
    });
    say('starting the gateway (nginx)');
    // With a real node, nginx runs beside the pods in the node's namespace, reached from loopback.
    const real = stack.realNode;
    if (real) forwarded = await forwardIntoNode(real.netns, [gatewayPorts.http, ...(tls ? [gatewayPorts.https] : [])], join(dir, 'logs', 'gateway-ports.log'));
    gateway = await startGateway(loadGatewayConfig({
      ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, YUNBANG_GATEWAY_DIR: gatewayDir,
      YUNBANG_GATEWAY_HTTP_LISTEN: `127.0.0.1:${gatewayPorts.http}`, YUNBANG_GATEWAY_HTTPS_LISTEN: tls ? `127.0.0.1:${gatewayPorts.https}` : 'off',
      YUNBANG_GATEWAY_STATUS_LISTEN: `127.0.0.1:${gatewayPorts.status}`, YUNBANG_APPS_HTTPS_PORT: String(gatewayPorts.https),
      // Simulated pods are served on loopback: map their pod IPs there, and refuse anything else.
      ...(stack.simulated ? { YUNBANG_GATEWAY_ADDRESS_MAP: LOCAL_ADDRESS_MAP, YUNBANG_GATEWAY_UPSTREAM_CIDRS: LOOPBACK } : {}),
      ...(real ? { YUNBANG_GATEWAY_NETNS: real.netns, YUNBANG_GATEWAY_UPSTREAM_CIDRS: real.podCidr } : {}),
      ...(tls ? { YUNBANG_GATEWAY_LOCAL_CA_DIR: caDir } : {}),
      YUNBANG_GATEWAY_WORKERS: '1', LOG_LEVEL: process.env.LOG_LEVEL,
    }));
    if (ownPrometheus) {
      say('starting Prometheus and Alertmanager (apps\' metrics and alerts)');
      observability = await startObservability({
        dir: join(dir, 'observe'), logDir: join(dir, 'logs'), pidDir: join(dir, 'pids'), prometheusPort, alertmanagerPort,
        apiUrl: `http://127.0.0.1:${port}`, monitoringToken,
        targets: { yunbang: [`127.0.0.1:${port}`], gateways: [`127.0.0.1:${gatewayPorts.status}`], kubelets: real ? [{ ...real.kubelet, cluster: 'local' }] : [] },
      });
    }
    if (running.externalMetrics) {
      const admin = new k8s.KubeConfig();
      admin.loadFromFile(stack.KUBECONFIG);
      unregisterExternal = await registerExternalMetrics(admin, running.externalMetrics.port);
    }
  } catch (err) {
    await unregisterExternal?.().catch(() => {});
    await observability?.stop().catch(() => {});
    await running?.stop().catch(() => {});
    await forwarded?.stop().catch(() => {});
    await stack.stop();
    throw err;
  }
  for (const c of stack.extraClusters) {
    say(`registering local cluster ${c.name} (default domains <app>-<team>.${c.appsDomain})`);
    await registerLocalCluster(`http://127.0.0.1:${port}/api/v1`, adminToken, c);
  }
  const gatewayUrl = `http://127.0.0.1:${gatewayPorts.http}`;
  const httpsUrl = `https://127.0.0.1:${gatewayPorts.https}`;
  writeFileSync(envFile, [
    `YUNBANG_URL=${url}`, `YUNBANG_TOKEN=${adminToken}`, `KUBECONFIG=${stack.KUBECONFIG}`,
    `ETCD_ENDPOINTS=${stack.ETCD_ENDPOINTS}`, `DATABASE_URL=${stack.DATABASE_URL}`,
    `YUNBANG_GATEWAY_URL=${gatewayUrl}`, `YUNBANG_APPS_DOMAIN=${appsDomain}`,
    ...(tls ? [`YUNBANG_GATEWAY_HTTPS_URL=${httpsUrl}`, `YUNBANG_LOCAL_CA=${join(caDir, 'ca.crt')}`] : []), '',
  ].join('\n'), { mode: 0o600 });
  say(`ready
  console      ${url}/   (sign in with the admin token below)
  API          ${url}/api/v1   (OpenAPI: openapi/openapi.yaml)
  clusters     local${stack.extraClusters.map((c) => `, ${c.name}`).join('')}  (allow a team in one: PUT /api/v1/teams/<team>/clusters/<cluster>)
  GraphQL      ${url}/graphql
  admin token  ${adminToken}
  gateway      ${gatewayUrl}   apps answer at http://<app>-<team>.${appsDomain}:${gatewayPorts.http}/${tls ? `
  HTTPS        ${httpsUrl}  apps with tls: https://<app>-<team>.${appsDomain}:${gatewayPorts.https}/ (curl --cacert ${join(caDir, 'ca.crt')})` : ''}
  gateway status http://127.0.0.1:${gatewayPorts.status}/metrics
  Prometheus   ${prometheusUrl}   (apps' metrics: yb metrics, the console's charts)${ownPrometheus ? `
  Alertmanager http://127.0.0.1:${alertmanagerPort}   (apps' alerts, posted to the API; notify a team: POST /api/v1/teams/<team>/notifications)` : ''}
  settings     ${envFile}  (source it: set -a; . ${envFile}; set +a)
  ${stack.realNode ? `Pods run as real containers (containerd, runc, the kubelet) from images made of Debian's
  packages: ${Object.entries(stack.realNode.servedBy).filter(([u]) => !u.includes('pause')).map(([u, by]) => `${u} is served locally by ${by}`).join('; ')}.` : `Pods run on a simulated node: the control plane is real, containers are not; each pod is a
  stand-in HTTP server that answers with JSON naming it. Run as root (or YUNBANG_LOCAL_NODE=real) for real containers.`}
  Ctrl-C stops everything.`);

  let stopping = 0;
  // In order: no new requests (gateway, API), the jobs, then what they used. A signal again a
  // couple of seconds later kills everything at once (our exit takes the child processes with
  // it); one right after the first is the same Ctrl-C reaching us twice (the terminal and
  // start.mjs both pass it on).
  const shutdown = async () => {
    if (stopping) {
      if (Date.now() - stopping > 2000) { say('stopping now'); process.exit(1); }
      return;
    }
    stopping = Date.now();
    say('stopping');
    await gateway?.stop().catch(() => {});
    await forwarded?.stop().catch(() => {});
    await unregisterExternal?.().catch(() => {});
    await running.stop().catch(() => {});
    await observability?.stop().catch(() => {});
    await stack.stop();
    process.exit(0);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void shutdown());
  // Started by scripts/start.mjs: if it is gone (killed outright), stop rather than run unowned.
  const parent = process.ppid;
  const orphanCheck = setInterval(() => { if (!alive(parent)) { clearInterval(orphanCheck); void shutdown(); } }, 500);
  orphanCheck.unref();
}

/** Registers a local cluster through the API, as an admin would, with Yunbang's own identities there (once). */
async function registerLocalCluster(api: string, token: string, c: ExtraCluster): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  if ((await fetch(`${api}/clusters/${c.name}`, { headers })).status === 200) return;
  const res = await fetch(`${api}/clusters`, {
    method: 'POST', headers,
    body: JSON.stringify({ name: c.name, kubeconfig: readFileSync(c.WORKER_KUBECONFIG, 'utf8'), apiKubeconfig: readFileSync(c.API_KUBECONFIG, 'utf8'), appsDomain: c.appsDomain, labels: { local: 'true' } }),
  });
  if (res.status !== 201) throw new Error(`could not register ${c.name}: ${res.status} ${await res.text()}`);
}

main().catch((err) => {
  process.stderr.write(`[yunbang] failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
