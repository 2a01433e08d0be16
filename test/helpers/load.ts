import { viaGateway, type GatewayAddress, type Reply } from './gateway.js';

/**
 * A bounded load through the gateway: requests at a fixed rate, each on a connection of its own
 * (as curl makes them), until asked to stop or until maxMs has passed, whichever comes first.
 */
export interface LoadResult {
  sent: number;
  ok: number;
  /** Every request that did not answer 200: its status, or the error. */
  failures: string[];
  /** Responses per pod and per image, to see a rollout happen. */
  pods: Map<string, number>;
  images: Map<string, number>;
}

/**
 * `accept`: what counts as an answer, for an app that does not answer as the stand-in pods do (JSON
 * naming the pod and image, the default): a real image's own page.
 */
export function startLoad(gw: GatewayAddress, host: string, o: { perSecond: number; maxMs: number; accept?: (r: Reply) => boolean; path?: string; headers?: Record<string, string> }) {
  const result: LoadResult = { sent: 0, ok: 0, failures: [], pods: new Map(), images: new Map() };
  const inflight = new Set<Promise<void>>();
  const started = Date.now();
  let stopped = false;
  const one = async () => {
    result.sent++;
    try {
      const r = await viaGateway(gw, host, o.path ?? '/', { timeoutMs: 10_000, headers: o.headers });
      if (o.accept ? o.accept(r) : r.status === 200 && r.json?.pod) {
        result.ok++;
        if (r.json?.pod) {
          result.pods.set(r.json.pod, (result.pods.get(r.json.pod) ?? 0) + 1);
          result.images.set(r.json.image, (result.images.get(r.json.image) ?? 0) + 1);
        }
      } else {
        result.failures.push(`${r.status} ${r.body.slice(0, 80)}`);
      }
    } catch (err) {
      result.failures.push(`error: ${(err as Error).message}`);
    }
  };
  const timer = setInterval(() => {
    if (stopped || Date.now() - started > o.maxMs) { stopped = true; clearInterval(timer); return; }
    const p = one().finally(() => inflight.delete(p));
    inflight.add(p);
  }, 1000 / o.perSecond);
  return {
    result,
    /** Stops sending and waits for the requests in flight. */
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await Promise.all([...inflight]);
      return result;
    },
  };
}
