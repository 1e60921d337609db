import { Injectable } from '@nestjs/common';
import type { WorkItemView } from '@hub/contracts';
import { eachItem, type FlowSource, type FlowTable, iso, type ItemHistory, type Queryable, rows, type SummaryRow, toSummary, unclaimed } from '@hub/work';
import { TRACKING_CLAIM_COLUMNS } from '../../tracking/tracking-sync.repository';

const INBOX = `(t.state IN ('waiting', 'failed', 'waiting_binding') OR t.marker_state = 'failed' OR (t.failures > 0 AND t.state IN ('received', 'sending')))`;

/** Tracking codes Tiny → Ideris: waiting for a prerequisite (carrier, concluded grouping), refused by Ideris, retrying. */
export const TRACKING_TABLE: FlowTable = {
  flow: 'tracking',
  from: 'tracking_sync t',
  connectionId: 't.connection_id',
  key: 't.tiny_order_id',
  inbox: INBOX,
  open: `(t.state <> 'sent' OR t.marker_state = 'failed')`,
  status: `CASE WHEN t.state = 'sent' AND coalesce(t.marker_state, '') <> 'failed' THEN 'succeeded' WHEN t.state = 'failed' OR t.marker_state = 'failed' THEN 'gave_up'
                WHEN t.state LIKE 'waiting%' THEN 'waiting' WHEN t.claimed_until > now() THEN 'running' ELSE 'queued' END`,
  outcome: 't.state',
  reasonCode: `CASE WHEN t.state = 'waiting' THEN replace(coalesce(t.reason_code, 'waiting'), '-', '_') WHEN t.state = 'failed' THEN 'ideris_refused'
                    WHEN t.state = 'waiting_binding' THEN 'order_not_imported_yet' WHEN t.marker_state = 'failed' THEN 'tiny_marker_failed'
                    WHEN t.state = 'sent' THEN 'sent' WHEN t.failures > 0 THEN 'retrying' ELSE 'pending' END`,
  reasonDetail: `coalesce(t.reason, t.marker_error)`,
  attempts: 't.checks',
  createdAt: 't.first_seen_at',
  updatedAt: 't.updated_at',
  nextCheckAt: 't.next_check_at',
  refs: { tinyOrderId: 't.tiny_order_id', marketplaceOrderCode: 't.marketplace_order_code', iderisOrderId: 't.ideris_order_id' },
  search: ['t.tiny_order_id', 't.marketplace_order_code', 't.ideris_order_id', 't.tracking_code'],
  hitKind: 'tracking',
  label: `'tracking ' || coalesce(t.tracking_code, '(no code)') || ' (' || t.state || ')'`,
  activity: [
    { counts: 'processed', at: 't.sent_at' },
    { counts: 'failed', at: `CASE WHEN t.state = 'failed' THEN t.updated_at END` },
  ],
};

/** Open rows from a partial index (tracking_sync_open), the newest send per connection by index (tracking_sync_sent). */
const SUMMARY_SQL = `
  WITH open AS (
    SELECT t.connection_id, max(t.updated_at) FILTER (WHERE t.state = 'failed' OR t.failures > 0 OR t.marker_state = 'failed') AS last_failure_at,
           count(*) FILTER (WHERE ${INBOX})::int AS failures,
           count(*) FILTER (WHERE t.state IN ('received', 'sending'))::int AS pending,
           min(t.first_seen_at) FILTER (WHERE t.state IN ('received', 'sending')) AS oldest_pending_at
      FROM tracking_sync t WHERE t.state <> 'sent' OR t.marker_state = 'failed' GROUP BY t.connection_id)
  SELECT c.id AS connection_id, s.sent_at AS last_success_at, greatest(s.sent_at, o.last_failure_at) AS last_attempt_at, o.last_failure_at,
         coalesce(o.failures, 0) AS failures, coalesce(o.pending, 0) AS pending, o.oldest_pending_at
    FROM connection_view c
    LEFT JOIN open o ON o.connection_id = c.id
    LEFT JOIN LATERAL (SELECT max(sent_at) AS sent_at FROM tracking_sync WHERE connection_id = c.id AND sent_at IS NOT NULL) s ON true
   WHERE NOT c.deleted AND (o.connection_id IS NOT NULL OR s.sent_at IS NOT NULL)`;

@Injectable()
export class TrackingFlow implements FlowSource {
  readonly flow = 'tracking' as const;
  readonly table = TRACKING_TABLE;

  async summary(db: Queryable) {
    return (await rows<SummaryRow>(db, SUMMARY_SQL)).map((r) => toSummary('tracking', 900, r, false));
  }

  async history(db: Queryable, item: WorkItemView): Promise<ItemHistory> {
    const [row] = await rows<Record<string, unknown> & { first_seen_at: Date; sent_at: Date | null; updated_at: Date; marked_at: Date | null }>(
      db, 'SELECT * FROM tracking_sync WHERE connection_id = $1 AND tiny_order_id = $2', [item.connectionId, item.key],
    );
    if (!row) return { timeline: [] };
    const timeline: ItemHistory['timeline'] = [{ at: iso(row.first_seen_at)!, kind: 'received', detail: { notifications: row['notifications'] } }];
    if (row.sent_at) timeline.push({ at: iso(row.sent_at)!, kind: 'sent', detail: { trackingCode: row['tracking_code'], carrier: row['carrier'] }, answer: row['ideris_answer'] });
    if (row.marked_at) timeline.push({ at: iso(row.marked_at)!, kind: 'marked-in-tiny', detail: { marker: row['marker_state'] } });
    if (row['state'] !== 'sent' || row['marker_state'] === 'failed') {
      timeline.push({ at: iso(row.updated_at)!, kind: String(row['state']), detail: { reasonCode: row['reason_code'], reason: row['reason'], checks: row['checks'], markerError: row['marker_error'] } });
    }
    return {
      timeline,
      request: { trackingCode: row['tracking_code'], trackingUrl: row['tracking_url'], carrier: row['carrier'], shippingMethod: row['shipping_method'], groupingId: row['grouping_id'], groupingType: row['grouping_type'], notice: row['notice'] },
      answer: row['ideris_answer'] ?? undefined,
    };
  }

  /** The re-check path (what "send tracking now" runs): due now, its prerequisites read again from Tiny. */
  retry(db: Queryable, items: WorkItemView[]) {
    return eachItem(items, async (item) => {
      if (item.status === 'succeeded') return 'already_done';
      if (item.status === 'running') return 'running';
      const [found] = await rows<{ id: string }>(
        db,
        `UPDATE tracking_sync SET next_check_at = now(), marker_state = CASE WHEN marker_state = 'failed' THEN 'pending' ELSE marker_state END, updated_at = now()
          WHERE connection_id = $1 AND tiny_order_id = $2 AND ${unclaimed(TRACKING_CLAIM_COLUMNS)} RETURNING id`,
        [item.connectionId, item.key],
      );
      return found ? 'queued' : 'running';
    });
  }
}
