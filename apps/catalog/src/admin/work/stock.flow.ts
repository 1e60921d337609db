import { Injectable } from '@nestjs/common';
import type { WorkItemView } from '@hub/contracts';
import { eachItem, rows, toSummary, type FlowSource, type FlowTable, type ItemHistory, type Queryable, type SummaryRow } from '@hub/work';
import { StockPusher } from '../../stock/stock-pusher';

/** A SKU's stock problem (a refusal retrying cannot fix) or its pending push that keeps failing. */
const ITEMS = `(
  SELECT p.connection_id, p.sku, 'problem' AS part, p.kind AS outcome, p.detail, 0 AS attempts, p.at AS created_at, p.at AS updated_at,
         NULL::timestamptz AS next_at, p.desired_qty
    FROM stock_problem p
  UNION ALL
  SELECT s.connection_id, s.sku, 'pending', CASE WHEN s.last_error IS NULL THEN 'pending' ELSE 'retrying' END, s.last_error, s.attempts, s.queued_at,
         s.noticed_at, s.next_attempt_at, s.desired_qty
    FROM stock_pending s) t`;

export const STOCK_TABLE: FlowTable = {
  flow: 'stock',
  from: ITEMS,
  connectionId: 't.connection_id',
  key: `t.part || ':' || t.sku`,
  inbox: `(t.part = 'problem' OR t.detail IS NOT NULL)`,
  open: 'true',
  status: `CASE WHEN t.part = 'problem' THEN 'waiting' ELSE 'queued' END`,
  outcome: 't.outcome',
  reasonCode: `CASE t.outcome WHEN 'unknown-sku' THEN 'unknown_sku_in_ideris' WHEN 'refused' THEN 'ideris_refused' WHEN 'tiny-product-unknown' THEN 'tiny_product_unknown'
                    ELSE t.outcome END`,
  reasonDetail: `t.detail || coalesce(' (quantity ' || t.desired_qty || ')', '')`,
  attempts: 't.attempts',
  createdAt: 't.created_at',
  updatedAt: 't.updated_at',
  nextCheckAt: 't.next_at',
  refs: { sku: 't.sku' },
  search: ['t.sku'],
  hitKind: 'sku',
  label: `'stock of ' || t.sku || ' (' || t.outcome || ')'`,
  activity: [
    { counts: 'processed', at: 't.at', from: 'stock_push_log t' },
    { counts: 'failed', at: 't.at', from: 'stock_problem t' },
  ],
};

const SUMMARY_SQL = `
  SELECT c.id AS connection_id,
         (SELECT at FROM stock_push_log WHERE connection_id = c.id ORDER BY id DESC LIMIT 1) AS last_success_at,
         greatest((SELECT at FROM stock_push_log WHERE connection_id = c.id ORDER BY id DESC LIMIT 1), f.last_failure_at) AS last_attempt_at,
         f.last_failure_at, coalesce(f.failures, 0) AS failures, coalesce(q.pending, 0) AS pending, q.oldest_pending_at
    FROM connection_view c
    LEFT JOIN (SELECT connection_id, count(*)::int AS pending, min(queued_at) AS oldest_pending_at,
                      count(*) FILTER (WHERE last_error IS NOT NULL)::int AS erring, max(noticed_at) FILTER (WHERE last_error IS NOT NULL) AS erring_at
                 FROM stock_pending GROUP BY connection_id) q ON q.connection_id = c.id
    LEFT JOIN LATERAL (SELECT (SELECT count(*)::int FROM stock_problem WHERE connection_id = c.id) + coalesce(q.erring, 0) AS failures,
                              greatest((SELECT max(at) FROM stock_problem WHERE connection_id = c.id), q.erring_at) AS last_failure_at) f ON true
   WHERE NOT c.deleted`;

@Injectable()
export class StockFlow implements FlowSource {
  readonly flow = 'stock' as const;
  readonly table = STOCK_TABLE;

  constructor(private readonly pusher: StockPusher) {}

  async summary(db: Queryable) {
    return (await rows<SummaryRow>(db, SUMMARY_SQL)).map((r) => toSummary('stock', 120, r, false));
  }

  async history(db: Queryable, item: WorkItemView): Promise<ItemHistory> {
    const sku = item.refs.sku!;
    const pushes = await rows<{ at: Date; qty: number; previous_qty: number | null; latency_ms: number | null }>(
      db, 'SELECT at, qty, previous_qty, latency_ms FROM stock_push_log WHERE connection_id = $1 AND sku = $2 ORDER BY id DESC LIMIT 20', [item.connectionId, sku],
    );
    const timeline = pushes.reverse().map((p) => ({ at: new Date(p.at).toISOString(), kind: 'pushed', detail: { qty: p.qty, previousQty: p.previous_qty, latencyMs: p.latency_ms } }));
    timeline.push({ at: item.updatedAt, kind: item.key.startsWith('problem:') ? 'problem' : 'push-failed', detail: { reason: item.reasonDetail } as never });
    return { timeline };
  }

  /** A failing push is tried again now; a problem waits for a fix and the next stock change (or the sweep). */
  retry(db: Queryable, items: WorkItemView[]) {
    return eachItem(items, async (item) => {
      if (item.key.startsWith('problem:')) return 'not_retryable';
      const [found] = await rows<{ sku: string }>(db, 'UPDATE stock_pending SET next_attempt_at = now() WHERE connection_id = $1 AND sku = $2 RETURNING sku', [item.connectionId, item.refs.sku]);
      if (!found) return 'already_done';
      this.pusher.wake(item.connectionId!);
      return 'queued';
    });
  }
}
