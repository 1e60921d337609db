/** Core NATS request/reply subjects answered by the catalog service (queries the caller can repeat). */
export const CatalogRpcSubjects = {
  stockState: 'rpc.catalog.stock.state.v1',
} as const;

export interface StockStateQuery {
  connectionId: string;
  /** How many of the latest pushes to return (default 20, at most 200). */
  limit?: number;
}

export interface StockPushView {
  sku: string;
  quantity: number;
  /** What Ideris held before, as far as the hub knew (its last push or a read of Ideris). */
  previousQuantity: number | null;
  sourceSequence: number;
  /** From the gateway receiving the notification to Ideris confirming the push. */
  latencyMs: number | null;
  at: string;
}

export interface StockProblemView {
  sku: string;
  /** `unknown-sku` (Ideris has no such SKU), `refused` (Ideris rejected the value), `tiny-product-unknown`. */
  kind: string;
  detail: string;
  desiredQuantity: number | null;
  at: string;
}

export interface StockStateView {
  connectionId: string;
  pending: number;
  /** Pending SKUs that failed at least once and wait for their next attempt. */
  retrying: number;
  oldestPendingAt: string | null;
  lastPushes: StockPushView[];
  problems: StockProblemView[];
}
