import { Gauge } from 'prom-client';
import { registry } from '../src/metrics.js';
import type { Queryable } from '../src/db/pool.js';
import { effectiveAlerts, thresholdSeries, type AlertSettings } from '../src/observe/alerts.js';
import { parseQuantity } from '../src/validation.js';
import { APP, ROLE, RUN, TEAM } from '../k8s/labels.js';
import type { WireObject } from '../k8s/wire.js';

/**
 * What the worker's watch cache knows of apps, as Prometheus series (a small kube-state-metrics):
 * which pods are which app's replicas (to join the kubelet's per-pod CPU and memory to apps), how
 * many are ready, how often their containers restarted, and their memory limit. Computed when
 * Prometheus scrapes, from memory: no request to any cluster.
 */
export interface AppSample {
  pods: { team: string; app: string; namespace: string; pod: string }[];
  apps: { team: string; app: string; namespace: string; ready: number; restarts: number; crashLooping: number; memoryLimitBytes: number }[];
}

interface PodLike {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { containers?: { name?: string; resources?: { limits?: Record<string, string> } }[] };
  status?: { phase?: string; conditions?: { type?: string; status?: string }[]; containerStatuses?: { name?: string; restartCount?: number; state?: { waiting?: { reason?: string } } }[] };
}
interface WorkloadLike {
  metadata?: { namespace?: string; labels?: Record<string, string> };
  spec?: { template?: { spec?: { containers?: { name?: string; resources?: { limits?: Record<string, string> } }[] } } };
}

/** Pure: the series from the cached pods and workloads (Deployments and StatefulSets) of one cluster. */
export function sampleApps(pods: WireObject[], workloads: WireObject[]): AppSample {
  const key = (ns: string, team: string, app: string) => `${ns}/${team}/${app}`;
  const limitOf = new Map<string, number>();
  for (const w of workloads as WorkloadLike[]) {
    const l = w.metadata?.labels;
    if (!l?.[TEAM] || !l[APP]) continue;
    const mem = w.spec?.template?.spec?.containers?.find((c) => c.name === 'app')?.resources?.limits?.memory;
    const bytes = mem ? parseQuantity(mem) : NaN;
    if (Number.isFinite(bytes)) limitOf.set(key(w.metadata!.namespace ?? '', l[TEAM], l[APP]), bytes);
  }
  const out: AppSample = { pods: [], apps: [] };
  const apps = new Map<string, AppSample['apps'][number]>();
  for (const p of pods as PodLike[]) {
    const l = p.metadata?.labels;
    // Build and detect pods carry a role, one-off commands' a run: they are not the app's replicas.
    if (!l?.[TEAM] || !l[APP] || l[ROLE] !== undefined || l[RUN] !== undefined) continue;
    const namespace = p.metadata!.namespace ?? '';
    const team = l[TEAM];
    const app = l[APP];
    out.pods.push({ team, app, namespace, pod: p.metadata!.name ?? '' });
    const k = key(namespace, team, app);
    let a = apps.get(k);
    if (!a) { a = { team, app, namespace, ready: 0, restarts: 0, crashLooping: 0, memoryLimitBytes: 0 }; apps.set(k, a); }
    if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) a.ready++;
    const app0 = p.status?.containerStatuses?.find((c) => c.name === 'app');
    a.restarts += app0?.restartCount ?? 0;
    if (app0?.state?.waiting?.reason === 'CrashLoopBackOff') a.crashLooping++;
    // The limit of every replica there is (memory in use is summed over the same replicas): the
    // pod's own, which has the LimitRange's default when the app set none, else the workload's.
    const podLimit = p.spec?.containers?.find((c) => c.name === 'app')?.resources?.limits?.memory;
    const bytes = podLimit ? parseQuantity(podLimit) : NaN;
    a.memoryLimitBytes += Number.isFinite(bytes) ? bytes : limitOf.get(k) ?? 0;
  }
  out.apps = [...apps.values()];
  return out;
}

/** The worker's caches, one source per running worker (tests run several in one process). */
const sources = new Set<() => AppSample[]>();

new Gauge({
  name: 'yunbang_pod_info', help: "1 for every pod that is an app's replica: joins the kubelet's per-pod figures to teams and apps",
  labelNames: ['team', 'app', 'namespace', 'pod'] as const, registers: [registry],
  collect() {
    this.reset();
    for (const s of sources) for (const c of s()) for (const p of c.pods) this.set(p, 1);
  },
});
const perApp = (name: string, help: string, value: (a: AppSample['apps'][number]) => number) => new Gauge({
  name, help, labelNames: ['team', 'app', 'namespace'] as const, registers: [registry],
  collect() {
    this.reset();
    for (const s of sources) for (const c of s()) for (const a of c.apps) this.set({ team: a.team, app: a.app, namespace: a.namespace }, value(a));
  },
});
perApp('yunbang_app_replicas_ready', "An app's replicas that are ready", (a) => a.ready);
perApp('yunbang_app_restarts', "Restarts of the app container, summed over the app's current replicas", (a) => a.restarts);
perApp('yunbang_app_crashlooping', "An app's replicas whose container is in CrashLoopBackOff", (a) => a.crashLooping);
perApp('yunbang_app_memory_limit_bytes', "The memory limit of the app container, summed over the app's current replicas", (a) => a.memoryLimitBytes);

/** Every app's alert thresholds in force (src/observe/alerts.ts), as the worker last read them. */
type Thresholds = { team: string; app: string; values: Record<string, number> }[];
/** One entry per running worker (tests run several in one process). */
const thresholdSources = new Map<symbol, Thresholds>();
new Gauge({
  name: 'yunbang_app_alert_threshold', help: "An app's alert rule thresholds in force, by rule (the alert rules compare with these)",
  labelNames: ['team', 'app', 'alert'] as const, registers: [registry],
  collect() {
    this.reset();
    for (const ts of thresholdSources.values()) for (const t of ts) for (const [alert, v] of Object.entries(t.values)) this.set({ team: t.team, app: t.app, alert }, v);
  },
});

/** Reads every app's alert settings every `everyMs`, for the threshold series. */
export function reportThresholds(db: Queryable, everyMs = 15_000): () => void {
  const me = Symbol('worker');
  const read = async () => {
    try {
      const { rows } = await db.query<{ team: string; app: string; alerts: Partial<AlertSettings> | null }>(
        'SELECT t.name AS team, a.name AS app, a.alerts FROM apps a JOIN teams t ON t.id = a.team_id WHERE a.deleted_at IS NULL AND t.deleted_at IS NULL');
      thresholdSources.set(me, rows.map((r) => ({ team: r.team, app: r.app, values: thresholdSeries(effectiveAlerts(r.alerts)) })));
    } catch { /* keep the last ones: the next read tries again */ }
  };
  void read();
  const timer = setInterval(() => void read(), everyMs);
  timer.unref();
  return () => { clearInterval(timer); thresholdSources.delete(me); };
}

/** Adds a worker's caches to what is reported; the returned function takes them out again. */
export function reportApps(source: () => AppSample[]): () => void {
  sources.add(source);
  return () => { sources.delete(source); };
}
