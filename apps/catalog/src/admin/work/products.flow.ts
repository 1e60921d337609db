import { Injectable } from '@nestjs/common';
import type { WorkItemView } from '@hub/contracts';
import { eachItem, rows, toSummary, type FlowSource, type FlowTable, type ItemHistory, type Queryable, type SummaryRow } from '@hub/work';
import { ProductSyncRepository } from '../../products/product-sync.repository';
import { TinyProductWriter } from '../../products/ideris-to-tiny/tiny-product-writer';
import { IderisProductPusher } from '../../products/tiny-to-ideris/ideris-product-pusher';

const FAILED = `(t.state IN ('failed', 'waiting') OR (t.state = 'pending' AND t.last_error IS NOT NULL))`;

/** Products both ways: refused writes, products waiting for something (kit components), writes retrying after an error. */
export const PRODUCTS_TABLE: FlowTable = {
  flow: 'products',
  from: 'product_sync t',
  connectionId: 't.connection_id',
  key: 't.sku',
  inbox: FAILED,
  open: `t.state <> 'synced'`,
  status: `CASE t.state WHEN 'failed' THEN 'gave_up' WHEN 'waiting' THEN 'waiting' WHEN 'writing' THEN 'running' WHEN 'pending' THEN 'queued' ELSE 'succeeded' END`,
  outcome: `CASE WHEN t.state = 'failed' THEN 'refused' WHEN t.state = 'synced' THEN coalesce(t.last_outcome, 'synced') ELSE t.state END`,
  reasonCode: `CASE WHEN t.state = 'failed' AND t.direction = 'to-tiny' THEN 'refused_by_tiny' WHEN t.state = 'failed' THEN 'ideris_refused'
                    WHEN t.state = 'waiting' THEN 'kit_components_missing' WHEN t.last_error IS NOT NULL THEN 'retrying' ELSE t.state END`,
  reasonDetail: `coalesce(t.waiting_for, t.last_error) || ' (' || coalesce(t.direction, 'no direction') || ')'`,
  attempts: 't.attempts',
  createdAt: 't.queued_at',
  updatedAt: 't.updated_at',
  nextCheckAt: `CASE WHEN t.state IN ('pending', 'waiting') THEN t.next_attempt_at END`,
  refs: { sku: 't.sku' },
  search: ['t.sku'],
  hitKind: 'product',
  label: `'product ' || t.sku || ' (' || t.state || ')'`,
  activity: [
    { counts: 'processed', at: 't.at', from: `(SELECT * FROM product_sync_log WHERE outcome IN ('created', 'updated', 'adopted', 'unchanged', 'tiny-unchanged')) t` },
    { counts: 'failed', at: 't.at', from: `(SELECT * FROM product_sync_log WHERE outcome = 'refused') t` },
  ],
};

/** Open products from a partial index (product_sync_open), the newest sync per connection by index (product_sync_synced). */
const SUMMARY_SQL = `
  WITH open AS (
    SELECT connection_id,
           max(coalesce(last_error_at, updated_at)) FILTER (WHERE state = 'failed' OR (state = 'pending' AND last_error IS NOT NULL)) AS last_failure_at,
           count(*) FILTER (WHERE state IN ('failed', 'waiting') OR (state = 'pending' AND last_error IS NOT NULL))::int AS failures,
           count(*) FILTER (WHERE state IN ('pending', 'writing'))::int AS pending,
           min(queued_at) FILTER (WHERE state IN ('pending', 'writing')) AS oldest_pending_at
      FROM product_sync WHERE state <> 'synced' GROUP BY connection_id)
  SELECT c.id AS connection_id, s.synced_at AS last_success_at, greatest(s.synced_at, o.last_failure_at) AS last_attempt_at, o.last_failure_at,
         coalesce(o.failures, 0) AS failures, coalesce(o.pending, 0) AS pending, o.oldest_pending_at
    FROM connection_view c
    LEFT JOIN open o ON o.connection_id = c.id
    LEFT JOIN LATERAL (SELECT max(synced_at) AS synced_at FROM product_sync WHERE connection_id = c.id AND synced_at IS NOT NULL) s ON true
   WHERE NOT c.deleted AND (o.connection_id IS NOT NULL OR s.synced_at IS NOT NULL)`;

@Injectable()
export class ProductsFlow implements FlowSource {
  readonly flow = 'products' as const;
  readonly table = PRODUCTS_TABLE;

  constructor(private readonly products: ProductSyncRepository, private readonly pusher: IderisProductPusher, private readonly writer: TinyProductWriter) {}

  async summary(db: Queryable) {
    return (await rows<SummaryRow>(db, SUMMARY_SQL)).map((r) => toSummary('products', 600, r, false));
  }

  async history(db: Queryable, item: WorkItemView): Promise<ItemHistory> {
    const journal = await rows<{ at: Date; direction: string | null; outcome: string; detail: string | null }>(
      db, 'SELECT at, direction, outcome, detail FROM product_sync_log WHERE connection_id = $1 AND sku = $2 ORDER BY id DESC LIMIT 50', [item.connectionId, item.key],
    );
    const [row] = await rows<{ payload: unknown }>(db, 'SELECT payload FROM product_sync WHERE connection_id = $1 AND sku = $2', [item.connectionId, item.key]);
    return {
      timeline: journal.reverse().map((j) => ({ at: new Date(j.at).toISOString(), kind: j.outcome, detail: { direction: j.direction, detail: j.detail } })),
      request: row?.payload ?? undefined,
    };
  }

  /** The products reprocess path: the product's last work again, the pusher or writer woken. */
  retry(_db: Queryable, items: WorkItemView[]) {
    return eachItem(items, async (item) => {
      if (item.status === 'succeeded') return 'already_done';
      if (item.status === 'running') return 'running';
      const result = await this.products.reprocess(item.connectionId!, item.key);
      if (!result) return 'not_found';
      if (result.refused) return /right now/.test(result.refused) ? 'running' : 'not_retryable';
      if (result.row?.direction === 'to-ideris') this.pusher.wake(item.connectionId!);
      else this.writer.wake(item.connectionId!);
      return 'queued';
    });
  }
}
