import type { ErrorRequestHandler, Response } from 'express';
import { DomainError, RateLimited, type FieldIssue } from '../errors.js';
import { log } from '../log.js';
import { RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../db/unavailable.js';

/** RFC 9457 problem details: the one error shape of the REST API. */
export interface Problem { type: string; title: string; status: number; detail?: string; code?: string; errors?: FieldIssue[] }

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};
const CODES: Record<number, string> = {
  400: 'BAD_USER_INPUT', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RATE_LIMITED', 500: 'INTERNAL_SERVER_ERROR', 503: 'UNAVAILABLE',
};

export function problem(status: number, detail?: string, errors?: FieldIssue[]): Problem {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, code: CODES[status], ...(errors?.length ? { errors } : {}) };
}

export function sendProblem(res: Response, p: Problem): void {
  // A 503 is temporary: say when to try again.
  if (p.status === 503 && !res.getHeader('Retry-After')) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.status(p.status).type('application/problem+json').send(JSON.stringify(p));
}

interface ValidatorError { status: number; message: string; errors?: { path?: string; message: string }[] }
interface BodyParserError { type: string; status?: number; expose?: boolean; message: string }

/** '/body/env/0/name' -> 'env[0].name', '/params/team' -> 'team' */
function fieldFromPointer(path = ''): string {
  const parts = path.split(/[/.]/).filter(Boolean);
  if (['body', 'params', 'query', 'headers'].includes(parts[0] ?? '')) parts.shift();
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/**
 * The errors that say what is wrong: where a value fails inside (quota.cpu), the complaints about
 * the alternatives it also failed ("quota: must be null", "must match exactly one schema in
 * oneOf") are noise, so an error is dropped when another one points inside its field.
 */
export function mostSpecific(errors: FieldIssue[]): FieldIssue[] {
  const inside = (outer: string, e: FieldIssue) => outer !== '' ? e.field.startsWith(`${outer}.`) || e.field.startsWith(`${outer}[`) : e.field !== '';
  return errors.filter((e, i) => !errors.some((o) => inside(e.field, o))
    && errors.findIndex((o) => o.field === e.field && o.message === e.message) === i);
}

/** Maps every error reaching the REST edge to problem+json; unknown errors are logged and leak nothing. */
export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (isDatabaseUnavailable(err)) {
    (req as { log?: typeof log }).log?.warn({ error: (err as Error).message }, 'database unavailable');
    return sendProblem(res, problem(503, 'the database is unavailable; the request was not carried out, send it again'));
  }
  if (err instanceof RateLimited) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  if (err instanceof DomainError) {
    return sendProblem(res, problem(err.status, err.message, 'issues' in err ? (err as { issues: FieldIssue[] }).issues : undefined));
  }
  const bp = err as BodyParserError;
  if (bp?.type === 'entity.too.large') return sendProblem(res, problem(413, 'request body is too large'));
  if (bp?.type === 'entity.parse.failed') return sendProblem(res, problem(400, 'request body is not valid JSON'));
  const v = err as ValidatorError;
  if (typeof v?.status === 'number' && v.status >= 400 && v.status < 500) {
    const errors = v.errors && mostSpecific(v.errors.map((e) => ({ field: fieldFromPointer(e.path), message: e.message })));
    return sendProblem(res, problem(v.status, v.status === 400 ? 'the request does not match the API description' : v.message, errors));
  }
  (req as { log?: typeof log }).log?.error({ err }, 'unhandled error') ?? log.error({ err }, 'unhandled error');
  sendProblem(res, problem(500, 'an unexpected error occurred; it has been logged'));
};
