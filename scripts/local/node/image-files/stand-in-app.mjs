// The test stand-in image's server, as a real container on the real node: what the simulated
// node plays in one process (scripts/local/sim-pods.ts), here a process of its own under the
// kubelet, so probes, restarts and back-off are the kubelet's. It answers every path with JSON
// naming its pod (/status/<code> with that code, /burn/<ms> after that long on a CPU) and echoes websocket messages. Served for `registry.example/*` images only
// (registry-front.ts), which no real registry could serve: tests and examples name them.
//
// YUNBANG_SIM shapes it, as on the simulated node:
//   warmup=2s        answer 503 for the first 2 s
//   slow=300ms       answer every request 300 ms late
//   fail-readiness   answer 503 on YUNBANG_SIM_READINESS_PATH (the app's health check path), always
//   exit-after=3s    exit 3 s after starting (the kubelet restarts it, then backs off)
// YUNBANG_SIM_ORDINALS=1,2 applies them only to those pods of a StatefulSet (<app>-1, <app>-2).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const env = process.env;
const started = Date.now();
const duration = (v) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(v.trim());
  if (!m) throw new Error(`YUNBANG_SIM: "${v}" is not a duration such as 2s or 300ms`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
};
const d = { warmupMs: 0, slowMs: 0, failReadiness: false, exitAfterMs: null };
const ordinal = /-(\d+)$/.exec(env.HOSTNAME ?? '')?.[1];
const applies = env.YUNBANG_SIM_ORDINALS === undefined || (ordinal !== undefined && env.YUNBANG_SIM_ORDINALS.split(',').map((o) => Number(o.trim())).includes(Number(ordinal)));
for (const item of applies ? (env.YUNBANG_SIM ?? '').split(',').map((s) => s.trim()).filter(Boolean) : []) {
  const [name, value] = item.split('=', 2);
  if (name === 'warmup' && value) d.warmupMs = duration(value);
  else if (name === 'slow' && value) d.slowMs = duration(value);
  else if (name === 'exit-after' && value) d.exitAfterMs = duration(value);
  else if (name === 'fail-readiness' && !value) d.failReadiness = true;
  else { console.error(`YUNBANG_SIM: unknown directive "${item}"`); process.exit(2); }
}

// The pod's name is its hostname; a Deployment's pods are <app>-<hash>-<suffix>, a StatefulSet's <app>-<n>.
const pod = env.HOSTNAME ?? '';
const app = (/^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(pod) ?? /^(.+)-\d+$/.exec(pod) ?? [pod, pod])[1];
// The namespace is the first search domain the kubelet writes (<ns>.svc.cluster.local); a team's
// namespace is yb-<team>. The simulated node reads both from the pod's labels instead.
const searchNs = (() => {
  try {
    const search = readFileSync('/etc/resolv.conf', 'utf8').split('\n').find((l) => l.startsWith('search '));
    return search?.split(/\s+/).find((d) => d.endsWith('.svc.cluster.local'))?.slice(0, -'.svc.cluster.local'.length) ?? '';
  } catch { return ''; }
})();
const namespace = env.POD_NAMESPACE ?? searchNs;
const identity = { pod, namespace, app, team: namespace.startsWith('yb-') ? namespace.slice(3) : '', image: env.YUNBANG_STAND_IN_IMAGE ?? '' };
const readinessPath = env.YUNBANG_SIM_READINESS_PATH ?? '/healthz';

const server = createServer((req, res) => {
  if (!String(req.headers['user-agent'] ?? '').startsWith('kube-probe/')) {
    res.on('finish', () => console.log(`${new Date().toISOString()} ${req.method} ${req.url} ${res.statusCode}`));
  }
  const send = () => {
    const path = req.url ?? '/';
    const json = (status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (Date.now() - started < d.warmupMs) return json(503, { pod, status: 'starting' });
    if (d.failReadiness && path.split('?')[0] === readinessPath) return json(503, { pod, status: 'not ready' });
    // /status/500 answers 500 (as httpbin's): tests make an app fail on demand.
    const asked = /^\/status\/([1-5]\d\d)(?:[/?]|$)/.exec(path);
    if (asked) return json(Number(asked[1]), { pod, status: Number(asked[1]) });
    // /burn/<ms> keeps a CPU busy that long before answering: tests load an app into autoscaling.
    const burn = /^\/burn\/(\d{1,4})(?:[/?]|$)/.exec(path);
    if (burn) {
      const until = Date.now() + Math.min(Number(burn[1]), 2000);
      let spins = 0;
      while (Date.now() < until) spins++;
      return json(200, { pod, burnedMs: Number(burn[1]), spins });
    }
    const h = req.headers;
    json(200, {
      ...identity, host: h.host ?? '', path,
      forwarded: { for: h['x-forwarded-for'] ?? null, proto: h['x-forwarded-proto'] ?? null, host: h['x-forwarded-host'] ?? null, requestId: h['x-request-id'] ?? null },
    });
  };
  req.resume();
  req.on('end', () => { if (d.slowMs > 0) setTimeout(send, d.slowMs); else send(); });
});
server.keepAliveTimeout = 65_000; // longer than nginx's upstream keepalive: nginx closes first
const wss = new WebSocketServer({ server });
wss.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
wss.on('error', () => {});
const port = Number(env.PORT ?? 8080);
server.listen(port, () => console.log(`stand-in ${pod} listening on ${port}`));
if (d.exitAfterMs !== null) setTimeout(() => { console.log('exiting (YUNBANG_SIM exit-after)'); process.exit(1); }, d.exitAfterMs);
// The kubelet's SIGTERM: stop taking connections, finish what is in flight, exit.
process.on('SIGTERM', () => { server.close(() => process.exit(0)); setTimeout(() => process.exit(0), 5000).unref(); });
