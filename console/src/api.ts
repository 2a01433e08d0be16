import { readEvents } from '@yunbang/sdk/sse';
import type { TypedDocumentString } from './gql/graphql';

/**
 * The console's only way to the platform: the API's GraphQL endpoint, same origin, authenticated
 * by the session cookie (httpOnly: this code never sees it). Every request carries the session's
 * CSRF token; the server refuses anything but a plain read without it.
 */

export interface FieldIssue { field: string; message: string }

/** An error the API answered with: its message, its code, and the field errors of an invalid input. */
export class ApiError extends Error {
  constructor(message: string, readonly code: string, readonly fields: FieldIssue[] = [], readonly status = 200) {
    super(message);
    this.name = 'ApiError';
  }
  /** The message for one field (e.g. "replicas", "env[0].name"), if the server gave one. */
  field(name: string): string | undefined {
    return this.fields.find((f) => f.field === name || f.field.startsWith(`${name}.`) || f.field.startsWith(`${name}[`))?.message;
  }
}

let csrfToken = '';
export const setCsrfToken = (t: string) => { csrfToken = t; };

/** Called when the API says the session is gone (expired, signed out elsewhere, token revoked). */
let onSignedOut: () => void = () => {};
export const whenSignedOut = (f: () => void) => { onSignedOut = f; };

interface GraphQLResponse<T> { data?: T | null; errors?: { message: string; extensions?: { code?: string; fields?: FieldIssue[] } }[] }

function toError(body: GraphQLResponse<unknown>, status: number): ApiError | undefined {
  const e = body.errors?.[0];
  if (!e) return undefined;
  const code = e.extensions?.code ?? 'ERROR';
  if (code === 'UNAUTHENTICATED') onSignedOut();
  return new ApiError(e.message, code, e.extensions?.fields ?? [], status);
}

export async function gql<R, V>(doc: TypedDocumentString<R, V>, variables: V, signal?: AbortSignal): Promise<R> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST', signal, credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify({ query: doc.toString(), variables }),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError('The API cannot be reached. Check your connection; the console retries when you act again.', 'NETWORK');
  }
  let body: GraphQLResponse<R>;
  try { body = await res.json() as GraphQLResponse<R>; } catch {
    throw new ApiError(`The API answered ${res.status} ${res.statusText} without a GraphQL result.`, 'BAD_RESPONSE', [], res.status);
  }
  const err = toError(body, res.status);
  if (err) throw err;
  return body.data as R;
}

/**
 * A subscription over server-sent events (graphql-yoga's transport): `onData` for each result
 * until `stop()` is called. A dropped stream (the API restarted, the network blinked) is
 * reopened with backoff, and `onReconnect` tells the caller so it can show that it reconnected;
 * subscriptions that start with a snapshot (teamApps, appStatus) make that lossless.
 */
export function subscribe<R, V>(doc: TypedDocumentString<R, V>, variables: V, handlers: {
  onData: (data: R) => void; onError?: (err: ApiError) => void; onState?: (state: 'live' | 'reconnecting' | 'ended') => void;
}): () => void {
  const abort = new AbortController();
  let delay = 500;
  const run = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        const res = await fetch('/graphql', {
          method: 'POST', signal: abort.signal, credentials: 'same-origin',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-csrf-token': csrfToken },
          body: JSON.stringify({ query: doc.toString(), variables }),
        });
        if (!res.ok || !res.body || !res.headers.get('content-type')?.includes('text/event-stream')) {
          const body = await res.json().catch(() => ({})) as GraphQLResponse<R>;
          const err = toError(body, res.status) ?? new ApiError(`live updates failed (${res.status})`, 'BAD_RESPONSE', [], res.status);
          handlers.onError?.(err);
          if (res.status === 401 || res.status === 403 || res.status === 400) return; // retrying cannot help
          throw err;
        }
        handlers.onState?.('live');
        delay = 500;
        // The stream's events (parsed by the SDK's reader); it ends when the server goes away: reconnect.
        for await (const { event, data } of readEvents(res.body)) {
          if (event === 'complete') { handlers.onState?.('ended'); return; }
          if (!data) continue;
          const body = JSON.parse(data) as GraphQLResponse<R>;
          const err = toError(body, 200);
          if (err) { handlers.onError?.(err); return; }
          if (body.data) handlers.onData(body.data);
        }
      } catch (err) {
        if (abort.signal.aborted) return;
        void err;
      }
      if (abort.signal.aborted) return;
      handlers.onState?.('reconnecting');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  };
  void run();
  return () => abort.abort();
}

export interface Principal { kind: 'admin' | 'team'; team?: string; role?: 'viewer' | 'developer' | 'owner'; tokenName?: string }
interface SessionAnswer { principal: Principal; csrfToken: string }

async function problemMessage(res: Response): Promise<string> {
  const p = await res.json().catch(() => undefined) as { detail?: string } | undefined;
  return p?.detail ?? `${res.status} ${res.statusText}`;
}

export async function currentSession(): Promise<SessionAnswer | undefined> {
  const res = await fetch('/auth/session', { credentials: 'same-origin' });
  if (res.status === 401) return undefined;
  if (!res.ok) throw new ApiError(await problemMessage(res), 'BAD_RESPONSE', [], res.status);
  return await res.json() as SessionAnswer;
}

export async function signIn(token: string): Promise<SessionAnswer> {
  const res = await fetch('/auth/session', {
    method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }),
  });
  if (!res.ok) throw new ApiError(await problemMessage(res), res.status === 401 ? 'UNAUTHENTICATED' : 'BAD_USER_INPUT', [], res.status);
  return await res.json() as SessionAnswer;
}

export async function signOut(): Promise<void> {
  await fetch('/auth/session', { method: 'DELETE', credentials: 'same-origin', headers: { 'x-csrf-token': csrfToken } });
  csrfToken = '';
}
