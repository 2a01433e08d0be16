import { Unavailable } from '../errors.js';
import type { Range } from './promql.js';

/** One point of a series: `t` in seconds since the epoch, `v` the value in the series' unit. */
export interface Point { t: number; v: number }

interface RangeAnswer {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
}

/**
 * Prometheus' HTTP API (`/api/v1/query_range`), asked only for queries Yunbang built
 * (src/observe/promql.ts). Points whose value is not a number (NaN, ±Inf: a quantile of no
 * requests) are left out, so a chart shows a gap rather than a made-up zero.
 */
export class PrometheusClient {
  constructor(private readonly baseUrl: string, private readonly timeoutMs = 10_000) {}

  async range(query: string, r: Range): Promise<Point[]> {
    const body = new URLSearchParams({ query, start: String(r.start), end: String(r.end), step: String(r.stepSeconds), timeout: `${Math.floor(this.timeoutMs / 1000)}s` });
    let res: Response;
    try {
      res = await fetch(new URL('api/v1/query_range', this.base()), {
        method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new Unavailable(`metrics are unavailable: Prometheus did not answer (${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message})`);
    }
    const answer = (await res.json().catch(() => ({ status: 'error', error: `HTTP ${res.status}` }))) as RangeAnswer;
    if (res.status === 503 || res.status === 429) throw new Unavailable(`metrics are unavailable: Prometheus is overloaded (${answer.error ?? res.status})`);
    // Any other refusal is of a query Yunbang built: a bug here, reported as one.
    if (answer.status !== 'success' || !answer.data) throw new Error(`Prometheus refused a query (${res.status}): ${answer.error ?? 'no data'}: ${query}`);
    // Every query is one sum(): at most one series.
    const series = answer.data.result[0];
    if (!series) return [];
    const out: Point[] = [];
    for (const [t, v] of series.values) {
      const n = Number(v);
      if (Number.isFinite(n)) out.push({ t, v: n });
    }
    return out;
  }

  /** An instant query's series by one label's value (e.g. by node), for queries Yunbang built. */
  async instant(query: string, by = 'node'): Promise<Map<string, number>> {
    let res: Response;
    try {
      res = await fetch(new URL('api/v1/query', this.base()), {
        method: 'POST', body: new URLSearchParams({ query, timeout: `${Math.floor(this.timeoutMs / 1000)}s` }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' }, signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new Unavailable(`metrics are unavailable: Prometheus did not answer (${(err as Error).message})`);
    }
    const answer = (await res.json().catch(() => ({ status: 'error' }))) as { status: string; error?: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (answer.status !== 'success' || !answer.data) throw new Error(`Prometheus refused a query (${res.status}): ${answer.error ?? 'no data'}: ${query}`);
    const out = new Map<string, number>();
    for (const r of answer.data.result) {
      const v = Number(r.value[1]);
      if (Number.isFinite(v)) out.set(r.metric[by] ?? '', v);
    }
    return out;
  }

  private base(): string { return this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`; }
}
