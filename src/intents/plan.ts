import { parseQuantity, type Resources } from '../validation.js';

/**
 * What a team's apps take from its plan (the namespace's ResourceQuota), computed as Kubernetes
 * will: a container that states no request gets its limit as the request (API defaulting) or else
 * the LimitRange's default, and no limit gets the LimitRange's default. Pure, so the API can refuse
 * a change that cannot fit with a clear message, where the quota alone would leave pods unmade
 * and the app Degraded.
 */
export interface ContainerDefaults { requests: Record<string, string>; limits: Record<string, string> }
export interface Workload { replicas: number; resources: Resources }
export type Usage = Record<'pods' | 'requests.cpu' | 'limits.cpu' | 'requests.memory' | 'limits.memory', number>;

const KINDS = ['cpu', 'memory'] as const;

export function usage(apps: Workload[], d: ContainerDefaults): Usage {
  const total: Usage = { pods: 0, 'requests.cpu': 0, 'limits.cpu': 0, 'requests.memory': 0, 'limits.memory': 0 };
  for (const a of apps) {
    total.pods += a.replicas;
    for (const k of KINDS) {
      const limit = a.resources.limits?.[k] ?? d.limits[k];
      const request = a.resources.requests?.[k] ?? a.resources.limits?.[k] ?? d.requests[k] ?? limit;
      total[`limits.${k}`] += a.replicas * (limit ? parseQuantity(limit) : 0);
      total[`requests.${k}`] += a.replicas * (request ? parseQuantity(request) : 0);
    }
  }
  return total;
}

/** `cpu: 500m` reads better than 0.5; memory in the largest binary unit that divides it. */
function show(key: keyof Usage, n: number): string {
  if (key === 'pods') return String(n);
  if (key.endsWith('cpu')) return Number.isInteger(n) ? String(n) : `${Math.round(n * 1000)}m`;
  for (const [u, f] of [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) if (n >= f && n % f === 0) return `${n / f}${u}`;
  return String(n);
}

/**
 * The quota lines a change would overrun: those the apps after it exceed and that it makes larger
 * (a team already over its plan, because the admin lowered it, may still scale down).
 */
export function overruns(hard: Record<string, string>, before: Usage, after: Usage): string[] {
  return (Object.keys(after) as (keyof Usage)[]).flatMap((k) => {
    if (hard[k] === undefined) return [];
    const limit = parseQuantity(hard[k]!);
    // Rounding: 0.1 + 0.2 CPUs must not read as more than 0.3.
    const over = (x: number) => x - limit > 1e-9 * Math.max(1, limit);
    return over(after[k]) && after[k] > before[k] ? [`${k} would be ${show(k, after[k])} of the ${show(k, limit)} the team's plan allows`] : [];
  });
}
