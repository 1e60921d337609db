import { Injectable } from '@nestjs/common';
import type { WorkItemView } from '@hub/contracts';
import { eachItem, iso, rows, toSummary, type FlowSource, type FlowTable, type ItemHistory, type Queryable, type SummaryRow } from '@hub/work';

const ATTENTION = `(t.attention_reason IS NOT NULL AND t.attention_resolved_at IS NULL)`;
/** A write announced before its call and never confirmed (its writer died mid-call): re-read by the poller. */
const LAPSED = `(t.pending_side IS NOT NULL AND t.pending_until < now())`;

/**
 * Order situations both ways. "Needs attention" (a marketplace cancellation after Tiny invoiced or shipped) is listed
 * for an operator's resolution (`POST …/status/orders/:id/resolve`), which is not a retry.
 */
export const STATUS_TABLE: FlowTable = {
  flow: 'status',
  from: 'order_status t',
  connectionId: 't.connection_id',
  key: 't.ideris_order_id',
  inbox: `(${ATTENTION} OR ${LAPSED})`,
  open: `(t.pending_side IS NOT NULL OR ${ATTENTION})`,
  status: `CASE WHEN ${ATTENTION} THEN 'waiting' WHEN t.pending_side IS NOT NULL THEN 'running' ELSE 'succeeded' END`,
  outcome: `CASE WHEN ${ATTENTION} THEN 'needs_attention' WHEN t.attention_resolution IS NOT NULL THEN 'resolved_' || t.attention_resolution
                 WHEN t.pending_side IS NOT NULL THEN 'writing_' || t.pending_side ELSE 'in_sync' END`,
  reasonCode: `CASE WHEN ${ATTENTION} THEN 'cancelled_after_invoice' WHEN ${LAPSED} THEN 'status_write_unconfirmed' ELSE 'in_sync' END`,
  reasonDetail: `CASE WHEN ${ATTENTION} THEN t.attention_reason WHEN ${LAPSED} THEN 'writing ' || t.pending_value || ' to ' || t.pending_side || ' was not confirmed' END`,
  attempts: '0',
  createdAt: 'coalesce(t.attention_at, t.imported_at)',
  updatedAt: 't.updated_at',
  refs: { iderisOrderId: 't.ideris_order_id', tinyOrderId: 't.tiny_order_id' },
  search: ['t.ideris_order_id', 't.tiny_order_id'],
  hitKind: 'order',
  label: `'status of ' || t.ideris_order_id || ': Tiny ' || coalesce(t.tiny_situation, '?') || ', Ideris ' || coalesce(t.ideris_status_id::text, '?')`,
  activity: [
    { counts: 'processed', at: 't.at', from: `(SELECT e.at, o.connection_id FROM order_status_event e JOIN order_status o ON o.id = e.order_status_id WHERE e.kind IN ('wrote-tiny', 'wrote-ideris')) t` },
    { counts: 'failed', at: 't.at', from: `(SELECT e.at, o.connection_id FROM order_status_event e JOIN order_status o ON o.id = e.order_status_id WHERE e.kind = 'needs-attention') t` },
  ],
};

/** A round's problems are recorded with the round's end (the poller's release sets last_poll_at on failure too). */
const LAST_ROUND_FAILED = `EXISTS (SELECT 1 FROM jsonb_array_elements(p.problems) x WHERE x->>'kind' = 'poll-failed' AND (x->>'at')::timestamptz >= p.last_poll_at - interval '2 seconds')`;

const SUMMARY_SQL = `
  SELECT p.connection_id, o.last_success_at, greatest(o.last_success_at, p.last_poll_at) AS last_attempt_at, NULL::timestamptz AS last_failure_at,
         coalesce(o.failures, 0) AS failures, coalesce(o.pending, 0) AS pending, NULL::timestamptz AS oldest_pending_at,
         greatest(60, extract(epoch FROM p.next_poll_at - p.last_poll_at)::int + 30) AS expected_seconds,
         CASE WHEN ${LAST_ROUND_FAILED} THEN NULL ELSE p.last_poll_at END AS poller_success_at,
         CASE WHEN ${LAST_ROUND_FAILED} THEN p.last_poll_at END AS poller_failure_at,
         (SELECT x->>'detail' FROM jsonb_array_elements(p.problems) x WHERE x->>'kind' = 'poll-failed' ORDER BY x->>'at' DESC LIMIT 1) AS poller_error
    FROM status_poll_state p
    LEFT JOIN LATERAL (
      SELECT (SELECT max(last_written_at) FROM order_status WHERE connection_id = p.connection_id AND last_written_at IS NOT NULL) AS last_success_at,
             (SELECT count(*)::int FROM order_status t WHERE t.connection_id = p.connection_id AND ${ATTENTION})
               + (SELECT count(*)::int FROM order_status t WHERE t.connection_id = p.connection_id AND ${LAPSED}) AS failures,
             (SELECT count(*)::int FROM order_status t WHERE t.connection_id = p.connection_id AND t.pending_side IS NOT NULL) AS pending) o ON true`;

@Injectable()
export class StatusFlow implements FlowSource {
  readonly flow = 'status' as const;
  readonly table = STATUS_TABLE;

  async summary(db: Queryable) {
    return (await rows<SummaryRow>(db, SUMMARY_SQL)).map((r) => toSummary('status', 60, r, true));
  }

  async history(db: Queryable, item: WorkItemView): Promise<ItemHistory> {
    const events = await rows<{ at: Date; kind: string; detail: unknown }>(
      db,
      `SELECT e.at, e.kind, e.detail FROM order_status_event e JOIN order_status o ON o.id = e.order_status_id
        WHERE o.connection_id = $1 AND o.ideris_order_id = $2 ORDER BY e.id DESC LIMIT 100`,
      [item.connectionId, item.key],
    );
    return { timeline: events.reverse().map((e) => ({ at: iso(e.at)!, kind: e.kind, detail: e.detail })) };
  }

  /** Nothing to retry: a needs-attention order is resolved by a person, a lapsed write is re-read by the poller. */
  retry(_db: Queryable, items: WorkItemView[]) {
    return eachItem(items, async (item) => (item.status === 'succeeded' ? 'already_done' : 'not_retryable'));
  }
}
