import { Injectable } from '@nestjs/common';
import type { WorkItemView } from '@hub/contracts';
import { eachItem, type FlowSource, type FlowTable, iso, type ItemHistory, type Queryable, rows, type SummaryRow, toSummary, unclaimed } from '@hub/work';
import { INVOICE_CLAIM_COLUMNS } from '../../invoices/invoice-sync.repository';

const INBOX = `(t.state IN ('refused', 'failed', 'waiting_binding', 'waiting_authorisation') OR (t.failures > 0 AND t.state IN ('received', 'sending')))`;

/** Invoices (NF-e) Tiny → Ideris: refused in Tiny, refused by Ideris, waiting for the order or the authorisation, retrying. */
export const INVOICES_TABLE: FlowTable = {
  flow: 'invoices',
  from: 'invoice_sync t',
  connectionId: 't.connection_id',
  key: 't.tiny_invoice_id',
  inbox: INBOX,
  open: `t.state NOT IN ('sent', 'ignored')`,
  status: `CASE WHEN t.state = 'sent' THEN 'succeeded' WHEN t.state IN ('refused', 'failed', 'ignored') THEN 'gave_up'
                WHEN t.state LIKE 'waiting%' THEN 'waiting' WHEN t.claimed_until > now() THEN 'running' ELSE 'queued' END`,
  outcome: 't.state',
  reasonCode: `CASE t.state WHEN 'refused' THEN 'invoice_cancelled_or_denied' WHEN 'failed' THEN 'ideris_refused' WHEN 'waiting_binding' THEN 'order_not_imported_yet'
                    WHEN 'waiting_authorisation' THEN 'invoice_not_authorised' WHEN 'ignored' THEN 'not_an_order_of_this_hub' WHEN 'sent' THEN 'sent'
                    ELSE CASE WHEN t.failures > 0 THEN 'retrying' ELSE 'pending' END END`,
  reasonDetail: 't.reason',
  attempts: 't.sends + t.failures',
  createdAt: 't.first_seen_at',
  updatedAt: 't.updated_at',
  nextCheckAt: 't.next_check_at',
  refs: { tinyOrderId: 't.tiny_order_id', marketplaceOrderCode: 't.marketplace_order_code', iderisOrderId: 't.ideris_order_id', nfeKey: 't.access_key' },
  search: ['t.access_key', 't.tiny_invoice_id', 't.tiny_order_id', 't.marketplace_order_code', 't.ideris_order_id'],
  hitKind: 'invoice',
  label: `'NF-e ' || coalesce(t.number || '/' || t.series, t.tiny_invoice_id) || ' (' || t.state || ')'`,
  activity: [
    { counts: 'processed', at: 't.sent_at' },
    { counts: 'failed', at: `CASE WHEN t.state IN ('refused', 'failed') THEN t.updated_at END` },
  ],
};

/** Open rows from a partial index (invoice_sync_open), the newest send per connection by index (invoice_sync_sent). */
const SUMMARY_SQL = `
  WITH open AS (
    SELECT t.connection_id, max(t.updated_at) FILTER (WHERE t.state = 'failed' OR t.failures > 0) AS last_failure_at,
           max(t.updated_at) AS last_open_at, count(*) FILTER (WHERE ${INBOX})::int AS failures,
           count(*) FILTER (WHERE t.state IN ('received', 'sending'))::int AS pending,
           min(t.first_seen_at) FILTER (WHERE t.state IN ('received', 'sending')) AS oldest_pending_at
      FROM invoice_sync t WHERE t.state <> 'sent' AND t.state <> 'ignored' GROUP BY t.connection_id)
  SELECT c.id AS connection_id, s.sent_at AS last_success_at, greatest(s.sent_at, o.last_failure_at) AS last_attempt_at, o.last_failure_at,
         coalesce(o.failures, 0) AS failures, coalesce(o.pending, 0) AS pending, o.oldest_pending_at
    FROM connection_view c
    LEFT JOIN open o ON o.connection_id = c.id
    LEFT JOIN LATERAL (SELECT max(sent_at) AS sent_at FROM invoice_sync WHERE connection_id = c.id AND sent_at IS NOT NULL) s ON true
   WHERE NOT c.deleted AND (o.connection_id IS NOT NULL OR s.sent_at IS NOT NULL)`;

interface InvoiceRow {
  state: string;
  first_seen_at: Date;
  sent_at: Date | null;
  updated_at: Date;
  reason: string | null;
  notifications: number;
  sends: number;
  failures: number;
  ideris_answer: unknown;
  number: string | null;
  series: string | null;
  access_key: string | null;
  danfe_url: string | null;
  tiny_situation: number | null;
}

@Injectable()
export class InvoicesFlow implements FlowSource {
  readonly flow = 'invoices' as const;
  readonly table = INVOICES_TABLE;

  async summary(db: Queryable) {
    return (await rows<SummaryRow>(db, SUMMARY_SQL)).map((r) => toSummary('invoices', 900, r, false));
  }

  /** No journal table: the row's own timestamps, counters, reason and Ideris's answer. */
  async history(db: Queryable, item: WorkItemView): Promise<ItemHistory> {
    const [row] = await rows<InvoiceRow>(db, 'SELECT * FROM invoice_sync WHERE connection_id = $1 AND tiny_invoice_id = $2', [item.connectionId, item.key]);
    if (!row) return { timeline: [] };
    const timeline: ItemHistory['timeline'] = [{ at: iso(row.first_seen_at)!, kind: 'received', detail: { notifications: row.notifications, tinySituation: row.tiny_situation } }];
    if (row.sent_at) timeline.push({ at: iso(row.sent_at)!, kind: 'sent', detail: { sends: row.sends }, answer: row.ideris_answer });
    if (row.state !== 'sent') timeline.push({ at: iso(row.updated_at)!, kind: row.state, detail: { reason: row.reason, sends: row.sends, failures: row.failures } });
    return { timeline, request: { number: row.number, series: row.series, accessKey: row.access_key, danfeUrl: row.danfe_url }, answer: row.ideris_answer ?? undefined };
  }

  /** The re-check path: the row is due now (a failed send is looked at afresh); refused invoices are never sent as valid. */
  retry(db: Queryable, items: WorkItemView[]) {
    return eachItem(items, async (item) => {
      if (item.outcome === 'sent') return 'already_done';
      if (['refused', 'ignored'].includes(item.outcome)) return 'not_retryable';
      if (item.status === 'running') return 'running';
      const [found] = await rows<{ id: string }>(
        db,
        `UPDATE invoice_sync SET state = CASE WHEN state = 'failed' THEN 'received' ELSE state END, next_check_at = now(), updated_at = now()
          WHERE connection_id = $1 AND tiny_invoice_id = $2 AND state NOT IN ('sent', 'refused', 'ignored') AND ${unclaimed(INVOICE_CLAIM_COLUMNS)} RETURNING id`,
        [item.connectionId, item.key],
      );
      return found ? 'queued' : 'running';
    });
  }
}
