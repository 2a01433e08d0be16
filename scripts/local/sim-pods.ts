import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type * as k8s from '@kubernetes/client-node';
import { WebSocketServer } from 'ws';

/**
 * What the simulated node runs in place of an app's container: a small HTTP server on the pod's
 * loopback address and container port that answers every path with JSON naming the pod, and echoes
 * websocket messages. Local stack and tests only (nothing here can run a container image).
 *
 * Like a kubelet it runs the container's readiness probe for real (HTTP GET or TCP connect, with
 * the probe's delay, period, timeout and thresholds) and reports the container Ready only once the
 * probe passes; a terminating pod keeps serving through its grace period, then stops.
 *
 * Tests shape its behaviour through env vars that only the simulated node reads:
 *   YUNBANG_SIM       comma-separated directives:
 *                       warmup=2s         answer 503 for the first 2 s after each start
 *                       slow=300ms        answer every request 300 ms late
 *                       fail-readiness    answer 503 on the readiness probe's path, always
 *                       exit-after=3s     the process exits 3 s after each start (restarts back off: CrashLoopBackOff)
 *   YUNBANG_SIM_ORDINALS  apply the directives only to these pods of a StatefulSet (`1` or `1,2`:
 *                     the pods named <app>-1, <app>-2); the real node's stand-in reads it the same way
 */
export interface SimDirectives {
  warmupMs: number;
  slowMs: number;
  failReadiness: boolean;
  exitAfterMs: number | null;
  ordinals: number[] | null;
}

export const NO_DIRECTIVES: SimDirectives = { warmupMs: 0, slowMs: 0, failReadiness: false, exitAfterMs: null, ordinals: null };

/** "2s", "300ms", "1.5s" → milliseconds. */
export function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(v.trim());
  if (!m) throw new Error(`"${v}" is not a duration such as 2s or 300ms`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

/** The directives in a container's env (unknown ones are an error, so a typo does not pass silently). */
export function simDirectives(container: k8s.V1Container | undefined): SimDirectives {
  const env = new Map((container?.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
  const d: SimDirectives = { ...NO_DIRECTIVES };
  for (const item of (env.get('YUNBANG_SIM') ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, value] = item.split('=', 2) as [string, string | undefined];
    if (name === 'warmup' && value) d.warmupMs = parseDuration(value);
    else if (name === 'slow' && value) d.slowMs = parseDuration(value);
    else if (name === 'exit-after' && value) d.exitAfterMs = parseDuration(value);
    else if (name === 'fail-readiness' && !value) d.failReadiness = true;
    else throw new Error(`YUNBANG_SIM: unknown directive "${item}"`);
  }
  const ordinals = env.get('YUNBANG_SIM_ORDINALS');
  if (ordinals !== undefined) d.ordinals = ordinals.split(',').map((o) => Number(o.trim()));
  return d;
}

/** Whether the directives apply to the pod (YUNBANG_SIM_ORDINALS: only those of its StatefulSet). */
export function appliesTo(d: SimDirectives, podName: string): boolean {
  if (d.ordinals === null) return true;
  const ordinal = /-(\d+)$/.exec(podName)?.[1];
  return ordinal !== undefined && d.ordinals.includes(Number(ordinal));
}

/** What the container looks like now, for the pod's status. */
export interface ContainerState {
  running: boolean;
  ready: boolean;
  restartCount: number;
  startedAt: string;
  waiting?: { reason: string; message: string };
  lastTerminated?: { exitCode: number; reason: string; startedAt: string; finishedAt: string };
}

export interface StandInIdentity { pod: string; namespace: string; app: string; team: string; image: string }

type Probe = k8s.V1Probe | undefined;

/** One simulated container: its server, its readiness prober and its lifecycle. */
export class StandIn {
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  private probeTimer: NodeJS.Timeout | undefined;
  private lifeTimers: NodeJS.Timeout[] = [];
  private startedAt = 0;
  private successes = 0;
  private failures = 0;
  private state: ContainerState;
  private stopped = false;

  constructor(
    private readonly id: StandInIdentity,
    private readonly address: string,
    private readonly port: number,
    private readonly readiness: Probe,
    private readonly d: SimDirectives,
    private readonly report: (s: ContainerState) => void,
    /** A line of the container's output: the stand-in prints one per request, as an app's access log. */
    private readonly print: (line: string) => void = () => {},
  ) {
    this.state = { running: false, ready: false, restartCount: 0, startedAt: new Date().toISOString() };
  }

  /** Starts the "process": listening, then probing. Resolves once it listens (or has failed to). */
  async start(): Promise<void> {
    if (this.stopped) return;
    this.startedAt = Date.now();
    this.successes = 0;
    this.failures = 0;
    try {
      await this.listen();
    } catch (err) {
      this.crash(`cannot listen on ${this.address}:${this.port}: ${(err as Error).message}`);
      return;
    }
    const gateless = !this.readiness;
    this.set({ running: true, ready: gateless, startedAt: new Date(this.startedAt).toISOString(), waiting: undefined });
    if (!gateless) this.scheduleProbe((this.readiness!.initialDelaySeconds ?? 0) * 1000);
    if (this.d.exitAfterMs !== null) this.lifeTimers.push(setTimeout(() => this.crash('the process exited (YUNBANG_SIM exit-after)'), this.d.exitAfterMs));
  }

  private set(patch: Partial<ContainerState>): void {
    this.state = { ...this.state, ...patch };
    if (!this.stopped) this.report({ ...this.state });
  }

  private listen(): Promise<void> {
    const server = createServer((req, res) => this.answer(req, res));
    server.keepAliveTimeout = 65_000; // longer than nginx's upstream keepalive: nginx closes first
    server.on('connection', (s) => { this.sockets.add(s); s.once('close', () => this.sockets.delete(s)); });
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
    wss.on('error', () => { /* the server's own errors are handled below; ws re-emits them */ });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.address, () => { server.off('error', reject); resolve(); });
    });
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    // Probes are not printed (the kubelet's own requests), every other request is.
    if (!String(req.headers['user-agent'] ?? '').startsWith('kube-probe/')) {
      res.on('finish', () => this.print(`${new Date().toISOString()} ${req.method} ${req.url} ${res.statusCode}`));
    }
    const send = () => {
      const path = req.url ?? '/';
      const warming = Date.now() - this.startedAt < this.d.warmupMs;
      const probePath = this.readiness?.httpGet?.path;
      if (warming) { res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ pod: this.id.pod, status: 'starting' })); return; }
      if (this.d.failReadiness && probePath && path.split('?')[0] === probePath) {
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ pod: this.id.pod, status: 'not ready' }));
        return;
      }
      // /status/500 answers 500, as the real node's stand-in does.
      const asked = /^\/status\/([1-5]\d\d)(?:[/?]|$)/.exec(path);
      if (asked) { res.writeHead(Number(asked[1]), { 'content-type': 'application/json' }).end(JSON.stringify({ pod: this.id.pod, status: Number(asked[1]) })); return; }
      const h = req.headers;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        ...this.id, host: h.host ?? '', path,
        forwarded: { for: h['x-forwarded-for'] ?? null, proto: h['x-forwarded-proto'] ?? null, host: h['x-forwarded-host'] ?? null, requestId: h['x-request-id'] ?? null },
      }));
    };
    // Drain the body first, as an app reading it would.
    req.resume();
    req.on('end', () => { if (this.d.slowMs > 0) setTimeout(send, this.d.slowMs); else send(); });
  }

  private scheduleProbe(delayMs: number): void {
    if (this.stopped) return;
    this.probeTimer = setTimeout(() => { void this.probe(); }, delayMs);
  }

  /** One readiness probe, as the kubelet runs it: success and failure thresholds decide transitions. */
  private async probe(): Promise<void> {
    const p = this.readiness!;
    const ok = await runProbe(p, this.address, this.port);
    if (this.stopped || !this.state.running) return;
    if (ok) { this.successes++; this.failures = 0; } else { this.failures++; this.successes = 0; }
    if (!this.state.ready && ok && this.successes >= (p.successThreshold ?? 1)) this.set({ ready: true });
    else if (this.state.ready && !ok && this.failures >= (p.failureThreshold ?? 3)) this.set({ ready: false });
    this.scheduleProbe((p.periodSeconds ?? 10) * 1000);
  }

  /** The process exited: close the server, report it, and restart after the kubelet's back-off. */
  private crash(message: string): void {
    if (this.stopped) return;
    const finishedAt = new Date().toISOString();
    this.closeServer();
    if (this.probeTimer) clearTimeout(this.probeTimer);
    const restarts = this.state.restartCount + 1;
    const backoffMs = Math.min(10_000 * 2 ** (restarts - 1), 300_000);
    this.set({
      running: false, ready: false, restartCount: restarts,
      waiting: { reason: 'CrashLoopBackOff', message: `back-off ${backoffMs / 1000}s restarting failed container: ${message}` },
      lastTerminated: { exitCode: 1, reason: 'Error', startedAt: new Date(this.startedAt).toISOString(), finishedAt },
    });
    this.lifeTimers.push(setTimeout(() => { void this.start(); }, backoffMs));
  }

  private closeServer(): void {
    this.server?.close();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.server = undefined;
  }

  /** Deletion: keep serving through the grace period (the load balancer takes the pod out meanwhile), then stop. */
  terminate(graceSeconds: number): Promise<void> {
    if (this.probeTimer) clearTimeout(this.probeTimer);
    return new Promise((resolve) => {
      this.lifeTimers.push(setTimeout(() => { this.stop(); resolve(); }, graceSeconds * 1000));
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    for (const t of this.lifeTimers) clearTimeout(t);
    this.closeServer();
  }
}

/**
 * An HTTP GET (2xx/3xx passes) or a TCP connect, within the probe's timeout. The prober and the
 * stand-in share this process, unlike a kubelet and a container: when the process stalls (a busy
 * machine), the timeout and the answer become due together, and timers run before I/O. So a
 * timeout waits one more turn (setImmediate runs after pending I/O) for an answer already there,
 * rather than failing a container for its prober's stall.
 */
function runProbe(p: k8s.V1Probe, address: string, port: number): Promise<boolean> {
  const timeoutMs = (p.timeoutSeconds ?? 1) * 1000;
  return new Promise((resolve) => {
    let done = false;
    const finish = (ok: boolean) => { if (!done) { done = true; resolve(ok); } };
    const onTimeout = (destroy: () => void) => () => setImmediate(() => { if (!done) { destroy(); finish(false); } });
    if (p.httpGet) {
      const req = request({ host: address, port, path: p.httpGet.path ?? '/', method: 'GET', agent: false, headers: { 'user-agent': 'kube-probe/1.20' } }, (res) => {
        res.resume();
        finish((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
      });
      req.setTimeout(timeoutMs, onTimeout(() => req.destroy()));
      req.on('error', () => finish(false));
      req.end();
      return;
    }
    const s = connect({ host: address, port });
    s.setTimeout(timeoutMs, onTimeout(() => s.destroy()));
    s.once('connect', () => { s.destroy(); finish(true); });
    s.once('error', () => finish(false));
  });
}
