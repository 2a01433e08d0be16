/**
 * Domain errors. Intents throw these; each edge (GraphQL, REST) maps them once to its own
 * shape (extensions.code / problem+json status). Anything else reaching an edge is a bug.
 */
export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED' | 'UNAVAILABLE';

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly status: number;
}

export interface FieldIssue { field: string; message: string }

export class Invalid extends DomainError {
  readonly code = 'BAD_USER_INPUT' as const;
  readonly status = 400;
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; '));
  }
  static field(field: string, message: string): Invalid {
    return new Invalid([{ field, message }]);
  }
}

export class Unauthenticated extends DomainError {
  readonly code = 'UNAUTHENTICATED' as const;
  readonly status = 401;
  constructor(message = 'a valid bearer token is required') { super(message); }
}

export class Forbidden extends DomainError {
  readonly code = 'FORBIDDEN' as const;
  readonly status = 403;
}

export class NotFound extends DomainError {
  readonly code = 'NOT_FOUND' as const;
  readonly status = 404;
}

export class Conflict extends DomainError {
  readonly code = 'CONFLICT' as const;
  readonly status = 409;
  /** The fields the conflict is about (a taken domain or name), when there are some. */
  constructor(message: string, readonly issues: FieldIssue[] = []) { super(message); }
}

/** The caller sent more of something costly than its allowance; it may try again after `retryAfterSeconds`. */
export class RateLimited extends DomainError {
  readonly code = 'RATE_LIMITED' as const;
  readonly status = 429;
  constructor(message: string, readonly retryAfterSeconds: number) { super(message); }
}

export class Unavailable extends DomainError {
  readonly code = 'UNAVAILABLE' as const;
  readonly status = 503;
}
