import { Injectable } from '@nestjs/common';
import type { WorkItemView } from '@hub/contracts';
import { rows, toSummary, type FlowSource, type FlowTable, type ItemHistory, type Queryable, type RetryVerdict, type SummaryRow } from '@hub/work';
import { OrderSyncRepository, type OrderSyncRow } from '../import/order-sync.repository';
import { importJobPending } from '../import/order-import.failures';
import { OrderRequeue } from './order-requeue';

const PARKED = `t.state IN ('needs_mapping', 'invalid', 'refused')`;
const GAVE_UP = `(t.work_status = 'gave_up' AND t.state NOT IN ('imported', 'cancelled_before_import', 'skipped'))`;
const RETRYING = `(t.state = 'discovered' AND t.work_status = 'queued' AND t.attempts > 0 AND t.reason IS NOT NULL)`;
const PENDING = `t.state = 'discovered' AND t.work_status IN ('queued', 'running')`;
/** Poller problems that mean a round failed (a conflict or an unreadable range is recorded, the round went on). */
const POLL_FAILURES = `('poll-failed', 'credentials')`;
/**
 * A range Ideris could not serve (after the client's retries) in the latest round: the round completed but may have
 * missed orders, so it counts as a failed round. Its problem is recorded a moment before the round's last_poll_at.
 */
const LAST_ROUND_UNREADABLE = `(x->>'kind' = 'unreadable-range' AND (x->>'at')::timestamptz >= p.last_poll_at - interval '2 seconds')`;

/** Orders (Ideris → Tiny import) in the failure inbox: parked orders, given-up jobs, jobs retrying after an error. */
export const ORDERS_TABLE: FlowTable = {
  flow: 'orders',
  from: 'order_sync t',
  connectionId: 't.connection_id',
  key: 't.ideris_order_id',
  inbox: `(${PARKED} OR ${GAVE_UP} OR ${RETRYING})`,
  open: `t.state NOT IN ('imported', 'cancelled_before_import', 'skipped')`,
  status: `CASE WHEN t.work_status = 'gave_up' AND t.state <> 'imported' THEN 'gave_up' WHEN t.work_status IN ('queued', 'running') THEN t.work_status
                WHEN t.state IN ('imported', 'cancelled_before_import', 'skipped') THEN 'succeeded' ELSE 'waiting' END`,
  outcome: `CASE WHEN t.state = 'refused' THEN 'refused_by_tiny' WHEN t.state = 'discovered' THEN 'pending' ELSE t.state END`,
  reasonCode: `CASE WHEN t.state = 'needs_mapping' THEN 'needs_mapping' WHEN t.state = 'refused' THEN 'refused_by_tiny'
                    WHEN t.state = 'invalid' AND t.reason ILIKE 'customer%' THEN 'invalid_customer'
                    WHEN t.state = 'invalid' AND t.reason ILIKE '%neither SKU nor listing code%' THEN 'item_without_sku'
                    WHEN t.state = 'invalid' THEN 'invalid_order' WHEN ${GAVE_UP} THEN 'gave_up' WHEN ${RETRYING} THEN 'retrying'
                    WHEN t.state = 'skipped' THEN 'marketplace_not_selected' WHEN t.state = 'discovered' THEN 'pending' ELSE t.state END`,
  reasonDetail: `CASE WHEN t.state = 'needs_mapping' AND cardinality(t.unknown_skus) > 0 THEN 'unknown SKU: ' || array_to_string(t.unknown_skus, ', ') ELSE t.reason END`,
  attempts: 't.attempts',
  createdAt: 't.discovered_at',
  updatedAt: 't.updated_at',
  refs: {
    iderisOrderId: 't.ideris_order_id',
    marketplaceOrderCode: 't.marketplace_order_code',
    tinyOrderId: 't.tiny_order_id',
    tinyOrderNumber: 't.tiny_order_number',
    sku: 't.unknown_skus[1]',
  },
  search: ['t.ideris_order_id', 't.marketplace_order_code', 't.tiny_order_id', 't.tiny_order_number', 't.unknown_skus[1]'],
  hitKind: 'order',
  label: `coalesce(t.marketplace, 'Ideris') || ' ' || coalesce(t.marketplace_order_code, t.ideris_order_id::text) || ' (' || t.state || ')'`,
  activity: [
    { counts: 'processed', at: 't.imported_at' },
    { counts: 'failed', at: `CASE WHEN ${PARKED} OR ${GAVE_UP} THEN t.updated_at END` },
  ],
};

/**
 * Freshness per connection: items from order_sync (partial index on open and failed rows), the poller from
 * poll_state; the newest import per connection is an index lookup (order_sync_imported).
 */
const SUMMARY_SQL = `
  WITH open AS (
    SELECT t.connection_id,
           max(t.updated_at) FILTER (WHERE ${PARKED} OR ${GAVE_UP} OR ${RETRYING}) AS last_failure_at,
           count(*) FILTER (WHERE ${PARKED} OR ${GAVE_UP} OR ${RETRYING})::int AS failures,
           count(*) FILTER (WHERE ${PENDING})::int AS pending,
           min(t.discovered_at) FILTER (WHERE ${PENDING}) AS oldest_pending_at
      FROM order_sync t WHERE t.state <> 'imported' AND t.state <> 'cancelled_before_import' AND t.state <> 'skipped' GROUP BY t.connection_id)
  SELECT p.connection_id,
         (SELECT max(imported_at) FROM order_sync WHERE connection_id = p.connection_id AND imported_at IS NOT NULL) AS last_success_at,
         greatest(p.last_poll_at, (SELECT max(updated_at) FROM order_sync WHERE connection_id = p.connection_id AND imported_at IS NOT NULL), o.last_failure_at) AS last_attempt_at,
         o.last_failure_at, coalesce(o.failures, 0) AS failures, coalesce(o.pending, 0) AS pending, o.oldest_pending_at,
         greatest(60, p.interval_ms / 1000) + 30 AS expected_seconds,
         p.last_poll_at AS poller_success_at,
         greatest((SELECT max((x->>'at')::timestamptz) FROM jsonb_array_elements(p.problems) x WHERE x->>'kind' IN ${POLL_FAILURES}),
                  CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(p.problems) x WHERE ${LAST_ROUND_UNREADABLE}) THEN p.last_poll_at END) AS poller_failure_at,
         (SELECT coalesce(x->>'detail', x->>'reason') FROM jsonb_array_elements(p.problems) x
           WHERE x->>'kind' IN ${POLL_FAILURES} OR ${LAST_ROUND_UNREADABLE} ORDER BY x->>'at' DESC LIMIT 1) AS poller_error
    FROM poll_state p LEFT JOIN open o ON o.connection_id = p.connection_id`;

@Injectable()
export class OrdersFlow implements FlowSource {
  readonly flow = 'orders' as const;
  readonly table = ORDERS_TABLE;

  constructor(private readonly orders: OrderSyncRepository, private readonly requeuer: OrderRequeue) {}

  async summary(db: Queryable) {
    return (await rows<SummaryRow>(db, SUMMARY_SQL)).map((r) => toSummary('orders', 90, r, true));
  }

  async history(db: Queryable, item: WorkItemView): Promise<ItemHistory> {
    const row = await this.orders.find(item.connectionId!, Number(item.key));
    if (!row) return { timeline: [] };
    const journal = await rows<{ at: Date; kind: string; detail: Record<string, unknown> }>(db, 'SELECT at, kind, detail FROM order_history WHERE order_sync_id = $1 ORDER BY id', [row.id]);
    return {
      timeline: journal.map((h) => ({ at: new Date(h.at).toISOString(), kind: h.kind, detail: h.detail, ...(h.detail?.['error'] ? { answer: h.detail['error'] } : {}) })),
      // The Ideris order as first read: what the import mapped (the customer's document is masked on the way out).
      request: row.ideris_detail ?? undefined,
      answer: row.tiny_order_id ? { tinyOrderId: row.tiny_order_id, tinyOrderNumber: row.tiny_order_number } : row.reason ?? undefined,
    };
  }

  /**
   * The orders reprocess path, in one read and one transaction for the whole selection: an imported order is done,
   * one whose job is pending (queued, retrying or claimed) is left to it, a cancelled or skipped one is not retried,
   * the rest queue again.
   */
  async retry(db: Queryable, items: WorkItemView[]): Promise<RetryVerdict[]> {
    const found = await rows<OrderSyncRow>(
      db,
      `SELECT o.* FROM order_sync o JOIN unnest($1::uuid[], $2::bigint[]) AS k(connection_id, ideris_order_id)
          ON o.connection_id = k.connection_id AND o.ideris_order_id = k.ideris_order_id`,
      [items.map((i) => i.connectionId), items.map((i) => i.key)],
    );
    const byKey = new Map(found.map((r) => [`${r.connection_id}|${r.ideris_order_id}`, r]));
    const requeue: OrderSyncRow[] = [];
    const verdicts = items.map((item): RetryVerdict => {
      const row = byKey.get(`${item.connectionId}|${item.key}`);
      if (!row) return 'not_found';
      if (row.state === 'imported') return 'already_done';
      if (row.state === 'cancelled_before_import' || (row.state as string) === 'skipped') return 'not_retryable';
      if (importJobPending(row)) return 'running';
      requeue.push(row);
      return 'queued';
    });
    if (requeue.length) await this.requeuer.requeue(requeue, 'operator-retry');
    return verdicts;
  }
}
