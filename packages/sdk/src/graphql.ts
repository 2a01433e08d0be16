import { YunbangError, problemError, type FieldIssue } from './errors.js';
import { transport, type RetryOptions } from './retry.js';
import { readEvents } from './sse.js';
import type { ClientOptions } from './rest.js';

/** A typed document: the generated ones (`AppDocument`, …) or any string with its types given. */
export interface Document<R, V> { toString(): string; readonly __apiType?: (v: V) => R }

interface GraphQLErrorBody { message: string; extensions?: { code?: string; fields?: FieldIssue[]; retryAfterSeconds?: number } }
interface Result<R> { data?: R | null; errors?: GraphQLErrorBody[] }

const parsed = <T>(text: string): T | undefined => { try { return JSON.parse(text) as T; } catch { return undefined; } };

function errorOf(e: GraphQLErrorBody, status: number): YunbangError {
  return new YunbangError(e.message, { status, code: e.extensions?.code ?? 'ERROR', fields: e.extensions?.fields, retryAfterSeconds: e.extensions?.retryAfterSeconds });
}

export interface GraphQLClient {
  /** A query or mutation: resolves with `data`, rejects with a YunbangError (the first error). */
  request<R, V>(doc: Document<R, V>, variables: V, signal?: AbortSignal): Promise<R>;
  /**
   * A subscription over server-sent events: each result as it comes, until the server completes
   * it or `signal` aborts (then the iteration ends quietly).
   */
  subscribe<R, V>(doc: Document<R, V>, variables: V, signal?: AbortSignal): AsyncGenerator<R>;
}

/** Yunbang's GraphQL API (/graphql): queries, mutations, and subscriptions over SSE. */
export function createGraphQLClient(o: ClientOptions & { retry?: RetryOptions }): GraphQLClient {
  const endpoint = `${o.url.replace(/\/$/, '')}/graphql`;
  const send = transport(o);
  const post = (doc: { toString(): string }, variables: unknown, accept: string, signal?: AbortSignal) => send(endpoint, {
    method: 'POST', signal,
    headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json', accept },
    body: JSON.stringify({ query: doc.toString(), variables }),
  });
  return {
    async request(doc, variables, signal) {
      const res = await post(doc, variables, 'application/graphql-response+json, application/json', signal);
      const body = parsed<Result<never>>(await res.text());
      if (!body) throw new YunbangError(`${res.status} ${res.statusText}: not a GraphQL answer`, { status: res.status, code: 'BAD_RESPONSE' });
      if (body.errors?.length) throw errorOf(body.errors[0]!, res.status);
      return body.data as never;
    },
    async *subscribe(doc, variables, signal) {
      let res: Response;
      try { res = await post(doc, variables, 'text/event-stream', signal); } catch (err) {
        if (signal?.aborted) return;
        throw err;
      }
      if (!res.ok || !res.headers.get('content-type')?.includes('text/event-stream')) {
        // Refused before streaming: a GraphQL error (bad document, no token) or a problem (429, 503).
        const text = await res.text();
        const first = parsed<Result<never>>(text)?.errors?.[0];
        throw first ? errorOf(first, res.status) : await problemError(new Response(text, { status: res.status, headers: res.headers }));
      }
      try {
        for await (const e of readEvents(res.body!)) {
          if (e.event === 'complete') return;
          if (!e.data) continue;
          const body = JSON.parse(e.data) as Result<never>;
          if (body.errors?.length) throw errorOf(body.errors[0]!, 200);
          if (body.data) yield body.data;
        }
      } catch (err) {
        if (signal?.aborted) return;
        throw err;
      }
    },
  };
}
