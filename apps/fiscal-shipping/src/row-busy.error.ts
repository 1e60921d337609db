/**
 * Another claimant holds the row: it may be sending right now, or it may be a process that died and whose claim
 * has not run out. The notification is retried later (never dropped), when the row is either done or free.
 */
export class RowBusyError extends Error {
  readonly kind = 'transient';

  constructor(message: string) {
    super(message);
    this.name = 'RowBusyError';
  }
}
