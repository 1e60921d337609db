import { Injectable } from '@nestjs/common';
import type { WorkItemView } from '@hub/contracts';
import { eachItem, rows, toSummary, type FlowSource, type FlowTable, type ItemHistory, type Queryable, type SummaryRow } from '@hub/work';
import { PricePusher } from '../../prices/price-pusher';

/** Price problems, drops held by the guard for an operator, and pending pushes that keep failing. */
const ITEMS = `(
  SELECT p.connection_id, 'problem:' || p.sku AS key, p.sku, 'problem' AS part, p.kind AS outcome, p.detail, 0 AS attempts, p.at AS created_at,
         p.at AS updated_at, NULL::timestamptz AS next_at
    FROM price_problem p
  UNION ALL
  SELECT h.connection_id, 'held:' || h.id, h.sku, 'held', 'price_drop_held',
         h.marketplace || ': ' || (h.old_cents / 100.0)::numeric(12,2) || ' → ' || (h.new_cents / 100.0)::numeric(12,2) || ' (-' || h.drop_percent || ' %)', 0,
         h.created_at, h.created_at, NULL
    FROM price_pending_confirmation h WHERE h.status = 'pending'
  UNION ALL
  SELECT s.connection_id, 'pending:' || s.sku, s.sku, 'pending', CASE WHEN s.last_error IS NULL THEN 'pending' ELSE 'retrying' END, s.last_error, s.attempts,
         s.queued_at, s.noticed_at, s.next_attempt_at
    FROM price_pending s) t`;

export const PRICES_TABLE: FlowTable = {
  flow: 'prices',
  from: ITEMS,
  connectionId: 't.connection_id',
  key: 't.key',
  inbox: `(t.part IN ('problem', 'held') OR t.detail IS NOT NULL)`,
  open: 'true',
  status: `CASE WHEN t.part = 'pending' THEN 'queued' ELSE 'waiting' END`,
  outcome: 't.outcome',
  reasonCode: `CASE t.outcome WHEN 'unknown-sku' THEN 'unknown_sku_in_ideris' WHEN 'refused' THEN 'ideris_refused' WHEN 'no-price' THEN 'no_price'
                    WHEN 'price-list-unknown' THEN 'price_list_unknown' WHEN 'tiny-product-unknown' THEN 'tiny_product_unknown' ELSE t.outcome END`,
  reasonDetail: 't.detail',
  attempts: 't.attempts',
  createdAt: 't.created_at',
  updatedAt: 't.updated_at',
  nextCheckAt: 't.next_at',
  refs: { sku: 't.sku' },
  search: ['t.sku'],
  hitKind: 'sku',
  label: `'price of ' || t.sku || ' (' || t.outcome || ')'`,
  activity: [
    { counts: 'processed', at: 't.at', from: 'price_push_log t' },
    { counts: 'failed', at: 't.at', from: 'price_problem t' },
  ],
};

const SUMMARY_SQL = `
  SELECT c.id AS connection_id,
         (SELECT at FROM price_push_log WHERE connection_id = c.id ORDER BY id DESC LIMIT 1) AS last_success_at,
         greatest((SELECT at FROM price_push_log WHERE connection_id = c.id ORDER BY id DESC LIMIT 1), f.last_failure_at) AS last_attempt_at,
         f.last_failure_at, f.failures, coalesce(q.pending, 0) AS pending, q.oldest_pending_at
    FROM connection_view c
    LEFT JOIN (SELECT connection_id, count(*)::int AS pending, min(queued_at) AS oldest_pending_at,
                      count(*) FILTER (WHERE last_error IS NOT NULL)::int AS erring, max(noticed_at) FILTER (WHERE last_error IS NOT NULL) AS erring_at
                 FROM price_pending GROUP BY connection_id) q ON q.connection_id = c.id
    LEFT JOIN LATERAL (
      SELECT (SELECT count(*)::int FROM price_problem WHERE connection_id = c.id)
               + (SELECT count(*)::int FROM price_pending_confirmation WHERE connection_id = c.id AND status = 'pending') + coalesce(q.erring, 0) AS failures,
             greatest((SELECT max(at) FROM price_problem WHERE connection_id = c.id), q.erring_at) AS last_failure_at) f ON true
   WHERE NOT c.deleted`;

@Injectable()
export class PricesFlow implements FlowSource {
  readonly flow = 'prices' as const;
  readonly table = PRICES_TABLE;

  constructor(private readonly pusher: PricePusher) {}

  async summary(db: Queryable) {
    return (await rows<SummaryRow>(db, SUMMARY_SQL)).map((r) => toSummary('prices', 300, r, false));
  }

  async history(db: Queryable, item: WorkItemView): Promise<ItemHistory> {
    const pushes = await rows<{ at: Date; marketplace: string; price_cents: number; previous_cents: number | null }>(
      db, 'SELECT at, marketplace, price_cents, previous_cents FROM price_push_log WHERE connection_id = $1 AND sku = $2 ORDER BY id DESC LIMIT 20', [item.connectionId, item.refs.sku],
    );
    const timeline = pushes.reverse().map((p) => ({ at: new Date(p.at).toISOString(), kind: 'pushed', detail: { marketplace: p.marketplace, priceCents: p.price_cents, previousCents: p.previous_cents } }));
    timeline.push({ at: item.updatedAt, kind: item.outcome, detail: { reason: item.reasonDetail } as never });
    return { timeline };
  }

  /** A failing push goes again now; a held drop is confirmed or rejected (its own routes); a problem waits for a fix. */
  retry(db: Queryable, items: WorkItemView[]) {
    return eachItem(items, async (item) => {
      if (!item.key.startsWith('pending:')) return 'not_retryable';
      const [found] = await rows<{ sku: string }>(db, 'UPDATE price_pending SET next_attempt_at = now() WHERE connection_id = $1 AND sku = $2 RETURNING sku', [item.connectionId, item.refs.sku]);
      if (!found) return 'already_done';
      this.pusher.wake(item.connectionId!);
      return 'queued';
    });
  }
}
