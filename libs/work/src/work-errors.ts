/**
 * Thrown when retrying cannot help (bad data, an item that does not exist): the failure classifier parks it for an
 * operator at once, with this reason, instead of retrying it.
 */
export class PermanentError extends Error {
  constructor(message: string, readonly kind = 'business') {
    super(message);
    this.name = 'PermanentError';
  }
}

/**
 * Another worker holds the piece of work (an order being imported, a row being sent, a write in flight): the item
 * waits and is tried again later. It may be a holder that died, whose claim has not run out yet.
 */
export class BusyError extends Error {
  readonly kind = 'busy';

  constructor(message: string) {
    super(message);
    this.name = 'BusyError';
  }
}

/** An error's message and kind (`kind` of an error value, else `transient`), for journals, parked messages and logs. */
export function describeError(error: unknown): { message: string; kind: string } {
  if (error instanceof PermanentError) return { message: error.message, kind: error.kind };
  if (error instanceof Error) {
    const kind = (error as Error & { kind?: unknown }).kind;
    return { message: `${error.name}: ${error.message}`, kind: typeof kind === 'string' ? kind : 'transient' };
  }
  return { message: String(error), kind: 'transient' };
}
