/** A field the server found wrong, e.g. { field: 'env[0].name', message: 'must be a C identifier' }. */
export interface FieldIssue { field: string; message: string }

/**
 * An error the Yunbang API answered with: REST problem+json (RFC 9457) or a GraphQL error, in one
 * shape. `code` is the API's (BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT,
 * RATE_LIMITED, UNAVAILABLE, …); `status` the HTTP status (0: the server could not be reached).
 */
export class YunbangError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldIssue[];
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, o: { status: number; code: string; fields?: FieldIssue[]; retryAfterSeconds?: number }) {
    super(message);
    this.name = 'YunbangError';
    this.status = o.status;
    this.code = o.code;
    this.fields = o.fields ?? [];
    this.retryAfterSeconds = o.retryAfterSeconds;
  }

  /** The message for one field (e.g. "replicas", or "env" for "env[0].name"), if the server gave one. */
  field(name: string): string | undefined {
    return this.fields.find((f) => f.field === name || f.field.startsWith(`${name}.`) || f.field.startsWith(`${name}[`))?.message;
  }
}

/** The error a problem+json body (or any failed response) stands for. */
export async function problemError(res: Response): Promise<YunbangError> {
  const retry = retryAfter(res);
  const text = await res.text().catch(() => '');
  let body: { detail?: string; title?: string; code?: string; errors?: FieldIssue[] } = {};
  try { body = JSON.parse(text) as typeof body; } catch { /* not JSON */ }
  const message = body.detail ?? body.title ?? (text.trim().slice(0, 200) || `${res.status} ${res.statusText}`);
  return new YunbangError(message, { status: res.status, code: body.code ?? codeOf(res.status), fields: body.errors, retryAfterSeconds: retry });
}

const CODES: Record<number, string> = { 400: 'BAD_USER_INPUT', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT', 429: 'RATE_LIMITED', 503: 'UNAVAILABLE' };
const codeOf = (status: number) => CODES[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'ERROR');

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), if any. */
export function retryAfter(res: Response): number | undefined {
  const v = res.headers.get('retry-after');
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
