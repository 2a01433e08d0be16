import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './rest-types.js';
import { problemError } from './errors.js';
import { transport, type RetryOptions } from './retry.js';

/** Every path, parameter, body and response of Yunbang's openapi.yaml, checked at compile time. */
export type RestClient = Client<paths>;
export type Schemas = components['schemas'];
export type { paths, components };

export interface ClientOptions {
  /** Where Yunbang's API is, e.g. https://yunbang.example.com (no /api/v1). */
  url: string;
  /** An API token: the admin token or a team token. */
  token: string;
  /** Retrying of 429 and 503 (their Retry-After is honoured); default 4 attempts. */
  retry?: RetryOptions;
  /** Another fetch (tests, proxies). */
  fetch?: typeof fetch;
}

/** Rejects every answer that is not a success with a YunbangError built from its problem+json. */
const throwProblems: Middleware = {
  async onResponse({ response }) {
    if (!response.ok) throw await problemError(response);
    return undefined;
  },
};

/**
 * The REST client (openapi-fetch over the generated types). A call resolves with `data` on
 * success and rejects with a YunbangError otherwise:
 *
 *   const yb = createRestClient({ url, token });
 *   const { data: app } = await yb.GET('/teams/{team}/apps/{app}', { params: { path: { team, app } } });
 */
export function createRestClient(o: ClientOptions): RestClient {
  const client = createClient<paths>({
    baseUrl: `${o.url.replace(/\/$/, '')}/api/v1`,
    headers: { authorization: `Bearer ${o.token}` },
    fetch: transport(o),
  });
  client.use(throwProblems);
  return client;
}
