/** Small HTTP clients for tests: REST with problem+json, GraphQL with errors. */

export interface RestResponse<T = any> { status: number; body: T; contentType: string; headers: Headers }

export function rest(base: string, token?: string) {
  return async <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RestResponse<T>> => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body: parsed, contentType: res.headers.get('content-type') ?? '', headers: res.headers };
  };
}

export interface GqlResult<T = any> { status: number; data?: T; errors?: { message: string; extensions?: { code?: string; fields?: { field: string; message: string }[] } }[] }

export function gql(base: string, token?: string) {
  return async <T = any>(query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>> => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const json = await res.json() as GqlResult<T>;
    return { ...json, status: res.status };
  };
}

/** The GraphQL error code of the first error, or undefined. */
export const codeOf = (r: GqlResult) => r.errors?.[0]?.extensions?.code;
