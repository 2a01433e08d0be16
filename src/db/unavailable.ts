/**
 * Whether an error means "the database cannot be reached right now" (restarting, down, out of
 * connections), as opposed to a bug. The edges answer those with 503 and Retry-After: the
 * caller's request was not carried out and can be sent again.
 */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// 08: connection exception; 57P01-57P03: shutdown or starting up; 53300: too many connections.
const SQLSTATE = /^(08...|57P01|57P02|57P03|53300)$/;
const MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)|Connection terminated unexpectedly/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (NETWORK.has(e.code) || SQLSTATE.test(e.code))) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause);
}

/** Seconds a client should wait before sending again. */
export const RETRY_AFTER_SECONDS = 5;
