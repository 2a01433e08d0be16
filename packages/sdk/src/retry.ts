import { YunbangError, retryAfter } from './errors.js';

export interface RetryOptions {
  /** Attempts in all (the first included); default 4. 1 turns retrying off. */
  attempts?: number;
  /** The longest wait between attempts, in ms; default 30 s. */
  maxDelayMs?: number;
  /** Called before each wait, e.g. to tell a user why nothing happens. */
  onRetry?: (info: { attempt: number; delayMs: number; status: number }) => void;
}

const sleep = (ms: number, signal?: AbortSignal | null) => new Promise<void>((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
});

/**
 * A fetch that retries what the server says to retry: 429 and 503 with their Retry-After (or,
 * without one, exponential backoff from 500 ms with jitter), bounded by `attempts`. The request
 * body is buffered so it can be sent again. Anything else is returned as it is.
 */
export function retryingFetch(base: typeof fetch, o: RetryOptions = {}): typeof fetch {
  const attempts = Math.max(1, o.attempts ?? 4);
  const maxDelay = o.maxDelayMs ?? 30_000;
  return async (input, init) => {
    const request = new Request(input, init);
    const body = request.body ? await request.arrayBuffer() : undefined;
    for (let attempt = 1; ; attempt++) {
      const res = await base(new Request(request, { body }));
      if ((res.status !== 429 && res.status !== 503) || attempt >= attempts) return res;
      const told = retryAfter(res);
      const delayMs = Math.min(maxDelay, told !== undefined ? told * 1000 : 500 * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5));
      o.onRetry?.({ attempt, delayMs, status: res.status });
      await res.body?.cancel().catch(() => {});
      await sleep(delayMs, request.signal);
    }
  };
}

/**
 * The fetch both clients send with: a server that cannot be reached is a YunbangError with code
 * UNREACHABLE (not a bare TypeError), and 429/503 are retried as above.
 */
export function transport(o: { url: string; fetch?: typeof fetch; retry?: RetryOptions }): typeof fetch {
  const base = o.fetch ?? globalThis.fetch;
  return retryingFetch(async (input, init) => {
    try { return await base(input, init); } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new YunbangError(`cannot reach ${o.url}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`, { status: 0, code: 'UNREACHABLE' });
    }
  }, o.retry);
}
