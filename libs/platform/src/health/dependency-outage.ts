/**
 * Whether an error means "a dependency (PostgreSQL, NATS) cannot be reached right now" rather than a bug or
 * bad input: such a request is answered 503 with Retry-After, and such work waits and retries.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTCONN', 'EAI_AGAIN', 'ENOTFOUND']);
/** PostgreSQL SQLSTATEs of a server going away, starting up or refusing connections (classes 08, 57P, 53300). */
const POSTGRES_UNAVAILABLE = /^(08\d{3}|57P0[1-4]|53300)$/;
/** nats.js error codes of a lost or closed connection, and "no responders" (503) when nobody serves a subject. */
const NATS_UNAVAILABLE = new Set(['CONNECTION_CLOSED', 'CONNECTION_DRAINING', 'CONNECTION_REFUSED', 'CONNECTION_TIMEOUT', 'DISCONNECT', 'TIMEOUT', '503', 'NO_RESPONDERS']);
const MESSAGES = /connection terminated|terminating connection|the database system is (starting up|shutting down|in recovery mode)|connection (is )?closed|connection refused|no responders|not connected|disconnect|timeout|timed out|pool is (probably )?full|Connection lost/i;

export function isDependencyOutage(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; name?: unknown };
  const code = e.code === undefined ? undefined : String(e.code);
  if (code && (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code) || NATS_UNAVAILABLE.has(code))) return true;
  if (e.name === 'TimeoutError') return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  return isDependencyOutage(e.driverError, depth + 1) || isDependencyOutage(e.cause, depth + 1);
}

/** Seconds a client is told to wait before trying again while a dependency is down. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;
