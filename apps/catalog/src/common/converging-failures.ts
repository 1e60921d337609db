import { Backoff, FailurePolicy, type Refusal } from '@hub/work';

/**
 * Stock, prices and products must converge: a failure that is no refusal is retried 2 s, 4 s, 8 s … up to 5 minutes
 * and never given up. A refusal is recorded and visible, not retried until newer work arrives (or an operator's retry).
 */
export function convergingFailures(refusals: readonly Refusal[]): FailurePolicy {
  return new FailurePolicy({ backoff: Backoff.doubling(2_000, 300_000), refusals });
}
