/**
 * Thrown by a handler when retrying cannot help (bad data, a business refusal): the message is parked at
 * once with this reason instead of being retried.
 */
export class PermanentError extends Error {
  constructor(message: string, readonly kind = 'business') {
    super(message);
    this.name = 'PermanentError';
  }
}

/**
 * Another worker holds the piece of work (an order being imported, a row being sent, a write in flight): the
 * message is retried later with the consumer's delays, never counted as a failure. It may be a holder that died,
 * whose claim has not run out yet.
 */
export class BusyError extends Error {
  readonly kind = 'transient';

  constructor(message: string) {
    super(message);
    this.name = 'BusyError';
  }
}

export function describeError(error: unknown): { message: string; kind: string } {
  if (error instanceof PermanentError) return { message: error.message, kind: error.kind };
  if (error instanceof Error) {
    const kind = (error as Error & { kind?: unknown }).kind;
    return { message: `${error.name}: ${error.message}`, kind: typeof kind === 'string' ? kind : 'transient' };
  }
  return { message: String(error), kind: 'transient' };
}
