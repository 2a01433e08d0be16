import { YunbangError, problemError, type FieldIssue } from './errors.js';
import { transport, type RetryOptions } from './retry.js';
import { readEvents } from './sse.js';

/** A typed document: the generated ones (`AppDocument`, …) or any string with its types given. */
export interface Document<R, V> { toString(): string; readonly __apiType?: (v: V) => R }

interface GraphQLErrorBody { message: string; extensions?: { code?: string; fields?: FieldIssue[]; retryAfterSeconds?: number } }
interface Result<R> { data?: R | null; errors?: GraphQLErrorBody[] }

const parsed = <T>(text: string): T | undefined => { try { return JSON.parse(text) as T; } catch { return undefined; } };

function errorOf(e: GraphQLErrorBody, status: number): YunbangError {
  return new YunbangError(e.message, { status, code: e.extensions?.code ?? 'ERROR', fields: e.extensions?.fields, retryAfterSeconds: e.extensions?.retryAfterSeconds });
}

/** The header a cookie session's requests carry its CSRF token in (the API refuses them without it). */
export const CSRF_HEADER = 'x-csrf-token';

export interface GraphQLClientOptions {
  /** Where Yunbang's API is, e.g. https://yunbang.example.com; '' for the page's own origin (a browser). */
  url: string;
  /** An API token (the admin token or a team token), sent as a bearer token. */
  token?: string;
  /**
   * A console sign-in instead of a token: the browser sends the session cookie (httpOnly, never
   * seen by code) and each request carries the CSRF token the session was answered with, read
   * afresh each time (it changes when someone signs in again).
   */
  session?: { csrfToken: () => string };
  /** Retrying of 429 and 503 (their Retry-After is honoured); default 4 attempts. */
  retry?: RetryOptions;
  /** Another fetch (tests, proxies). */
  fetch?: typeof fetch;
  /** Told of every error the API answers, before it is thrown (e.g. UNAUTHENTICATED: the session is gone). */
  onError?: (err: YunbangError) => void;
}

export type LiveState = 'live' | 'reconnecting' | 'ended';

export interface LiveHandlers<R> {
  onData: (data: R) => void;
  /** An error the API answered with; the subscription ends (retrying the same request cannot help). */
  onError?: (err: YunbangError) => void;
  /** 'live' once a stream is open, 'reconnecting' while it is reopened, 'ended' when the server completes it. */
  onState?: (state: LiveState) => void;
}

export interface GraphQLClient {
  /** A query or mutation: resolves with `data`, rejects with a YunbangError (the first error). */
  request<R, V>(doc: Document<R, V>, variables: V, signal?: AbortSignal): Promise<R>;
  /**
   * A subscription over server-sent events: each result as it comes, until the server completes
   * it or `signal` aborts (then the iteration ends quietly). A stream that breaks off without
   * completing (the API restarted, the network blinked) throws a YunbangError with status 0.
   */
  subscribe<R, V>(doc: Document<R, V>, variables: V, signal?: AbortSignal): AsyncGenerator<R>;
  /**
   * A subscription kept open until `stop()`: a stream that breaks off, or cannot be opened, is
   * reopened with backoff (0.5 s, doubling, at most 10 s). Subscriptions that start with a
   * snapshot (teamApps, appStatus) make a reconnect lossless.
   */
  live<R, V>(doc: Document<R, V>, variables: V, handlers: LiveHandlers<R>): () => void;
}

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const t = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});

const brokeOff = (why: string) => new YunbangError(`the subscription's stream broke off before it completed${why}`, { status: 0, code: 'UNREACHABLE' });

/** The data of a stream's events until `complete`; a stream that ends or fails before it is a break-off. */
async function* results<R>(events: AsyncGenerator<{ event: string; data: string }>, signal: AbortSignal | undefined, told: (e: YunbangError) => YunbangError): AsyncGenerator<R> {
  for (;;) {
    let next: IteratorResult<{ event: string; data: string }>;
    // Reading the body fails when the connection goes (fetch's "terminated"): a break-off too.
    try { next = await events.next(); } catch (err) {
      if (signal?.aborted) return;
      throw brokeOff(`: ${(err as Error).message}`);
    }
    if (next.done) break;
    const e = next.value;
    if (e.event === 'complete') return;
    if (!e.data) continue;
    const body = JSON.parse(e.data) as Result<R>;
    if (body.errors?.length) throw told(errorOf(body.errors[0]!, 200));
    if (body.data) yield body.data;
  }
  if (!signal?.aborted) throw brokeOff('');
}

/** Yunbang's GraphQL API (/graphql): queries, mutations, and subscriptions over SSE. */
export function createGraphQLClient(o: GraphQLClientOptions): GraphQLClient {
  const endpoint = `${o.url.replace(/\/$/, '')}/graphql`;
  const send = transport({ url: o.url || 'the API', fetch: o.fetch, retry: o.retry });
  const auth = (): Record<string, string> => o.session
    ? { [CSRF_HEADER]: o.session.csrfToken() }
    : o.token ? { authorization: `Bearer ${o.token}` } : {};
  const post = (doc: { toString(): string }, variables: unknown, accept: string, signal?: AbortSignal) => send(endpoint, {
    method: 'POST', signal, credentials: o.session ? 'same-origin' : undefined,
    headers: { ...auth(), 'content-type': 'application/json', accept },
    body: JSON.stringify({ query: doc.toString(), variables }),
  });
  const told = (err: YunbangError) => { o.onError?.(err); return err; };

  /** The results of one stream; `opened` is called once it streams. */
  async function* stream<R>(doc: { toString(): string }, variables: unknown, signal: AbortSignal | undefined, opened?: () => void): AsyncGenerator<R> {
    const res = await post(doc, variables, 'text/event-stream', signal);
    if (!res.ok || !res.headers.get('content-type')?.includes('text/event-stream')) {
      // Refused before streaming: a GraphQL error (bad document, no session) or a problem (429, 503).
      const text = await res.text();
      const first = parsed<Result<never>>(text)?.errors?.[0];
      throw told(first ? errorOf(first, res.status) : await problemError(new Response(text, { status: res.status, headers: res.headers })));
    }
    opened?.();
    const events = readEvents(res.body!);
    // Whichever way this ends (completed, broken off, or the caller stopped iterating), the
    // stream is closed: an open one holds one of the browser's few connections to the API.
    try {
      yield* results<R>(events, signal, told);
    } finally {
      await events.return(undefined);
    }
  }

  return {
    async request(doc, variables, signal) {
      const res = await post(doc, variables, 'application/graphql-response+json, application/json', signal);
      const body = parsed<Result<never>>(await res.text());
      if (!body) throw told(new YunbangError(`${res.status} ${res.statusText}: not a GraphQL answer`, { status: res.status, code: 'BAD_RESPONSE' }));
      if (body.errors?.length) throw told(errorOf(body.errors[0]!, res.status));
      return body.data as never;
    },

    async *subscribe(doc, variables, signal) {
      try {
        yield* stream(doc, variables, signal);
      } catch (err) {
        if (signal?.aborted) return;
        throw err;
      }
    },

    live(doc, variables, h) {
      const abort = new AbortController();
      void (async () => {
        let delay = 500;
        while (!abort.signal.aborted) {
          try {
            for await (const data of stream<never>(doc, variables, abort.signal, () => { delay = 500; h.onState?.('live'); })) h.onData(data);
            if (!abort.signal.aborted) h.onState?.('ended');
            return;
          } catch (err) {
            if (abort.signal.aborted) return;
            const e = err instanceof YunbangError ? err : new YunbangError(String(err), { status: 0, code: 'ERROR' });
            // Unreachable, broken off, or the server busy (after the transport's own retries): again.
            const transient = e.status === 0 && e.code === 'UNREACHABLE' || e.code === 'UNAVAILABLE' || e.code === 'RATE_LIMITED';
            if (!transient) { h.onError?.(e); return; }
          }
          h.onState?.('reconnecting');
          await sleep(delay, abort.signal);
          delay = Math.min(delay * 2, 10_000);
        }
      })();
      return () => abort.abort();
    },
  };
}
