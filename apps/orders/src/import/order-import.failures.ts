import { Consumers } from '@hub/contracts';
import { TinyApiError } from '@hub/tiny';
import { FailurePolicy } from '@hub/work';
import type { OrderSyncRow } from './order-sync.repository';

/**
 * The import job's failures: the consumer's schedule and attempts (what the runner applies to the job), and Tiny's
 * answers that mean "this order can never go in as it is" (the order is parked `refused` with Tiny's words).
 */
export const ORDER_IMPORT_FAILURES = FailurePolicy.forConsumer(Consumers.ordersImport, [{ error: TinyApiError, kinds: ['validation', 'request'], code: 'refused' }]);

/**
 * An order whose import may still come without a new job: waiting for its connection's turn (ADR 0031), or with its
 * job queued or running in JetStream and touched within the job's retries.
 */
export function importJobPending(row: Pick<OrderSyncRow, 'state' | 'work_status' | 'updated_at' | 'deferred_at'>, now = Date.now()): boolean {
  const { maxAttempts, backoff } = ORDER_IMPORT_FAILURES;
  const horizonMs = backoff.totalMs(maxAttempts) + maxAttempts * Consumers.ordersImport.ackWaitMs;
  if (row.state !== 'discovered' || (row.work_status !== 'queued' && row.work_status !== 'running')) return false;
  return row.deferred_at != null || now - new Date(row.updated_at).getTime() < horizonMs;
}
