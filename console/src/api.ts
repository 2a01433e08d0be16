import { createGraphQLClient, CSRF_HEADER, type LiveState } from '@yunbang/sdk/graphql';
import { YunbangError } from '@yunbang/sdk/errors';
import type { TypedDocumentString } from './gql/graphql';

/**
 * The console's way to the platform: the SDK's GraphQL client (the one integrators and the CLI
 * use), on the API's GraphQL endpoint, same origin, authenticated by the session cookie (httpOnly:
 * this code never sees it). Every request carries the session's CSRF token; the server refuses
 * anything but a plain read without it.
 */

export type { FieldIssue } from '@yunbang/sdk/errors';

/** An error the API answered with (the SDK's): its message, code, field errors and `field(name)`. */
export { YunbangError as ApiError };

let csrfToken = '';
export const setCsrfToken = (t: string) => { csrfToken = t; };

/** Called when the API says the session is gone (expired, signed out elsewhere, token revoked). */
let onSignedOut: () => void = () => {};
export const whenSignedOut = (f: () => void) => { onSignedOut = f; };

const client = createGraphQLClient({
  url: '',
  session: { csrfToken: () => csrfToken },
  // A person is waiting: one more try on 429/503 after its Retry-After, then the error is shown.
  retry: { attempts: 2, maxDelayMs: 5_000 },
  onError: (err) => { if (err.code === 'UNAUTHENTICATED') onSignedOut(); },
});

export function gql<R, V>(doc: TypedDocumentString<R, V>, variables: V, signal?: AbortSignal): Promise<R> {
  return client.request(doc, variables, signal);
}

/**
 * A subscription over server-sent events: `onData` for each result until the returned stop is
 * called. A dropped stream (the API restarted, the network blinked) is reopened with backoff by
 * the SDK, and `onState` says so, so the page can show that it reconnected.
 */
export function subscribe<R, V>(doc: TypedDocumentString<R, V>, variables: V, handlers: {
  onData: (data: R) => void; onError?: (err: YunbangError) => void; onState?: (state: LiveState) => void;
}): () => void {
  return client.live(doc, variables, handlers);
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
  if (!res.ok) throw new YunbangError(await problemMessage(res), { status: res.status, code: 'BAD_RESPONSE' });
  return await res.json() as SessionAnswer;
}

export async function signIn(token: string): Promise<SessionAnswer> {
  const res = await fetch('/auth/session', {
    method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }),
  });
  if (!res.ok) throw new YunbangError(await problemMessage(res), { status: res.status, code: res.status === 401 ? 'UNAUTHENTICATED' : 'BAD_USER_INPUT' });
  return await res.json() as SessionAnswer;
}

export async function signOut(): Promise<void> {
  await fetch('/auth/session', { method: 'DELETE', credentials: 'same-origin', headers: { [CSRF_HEADER]: csrfToken } });
  csrfToken = '';
}
