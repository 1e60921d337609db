/** Core NATS request/reply subjects answered by the catalog service (queries the caller can repeat). */
export const CatalogRpcSubjects = {
  stockState: 'rpc.catalog.stock.state.v1',
  /** Starts a full sweep pass of the connection now (every Ideris SKU compared with Tiny, bulk lane). */
  stockSweepNow: 'rpc.catalog.stock.sweep-now.v1',
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

/** The reconciliation backstops of a connection. */
export interface StockReconciliationView {
  sweep: {
    /** Passes finished; the cursor of the one in progress (an Ideris SKU offset). */
    passes: number;
    offset: number;
    checkedThisPass: number;
    correctedThisPass: number;
    lastPassFinishedAt: string | null;
    lastPassChecked: number | null;
    lastPassCorrected: number | null;
    nextStepAt: string | null;
    lastError: string | null;
  } | null;
  /** Tiny's stock-change queue (only with settings.stockUpdatesFeed). */
  feed: { recordsRead: number; lastReadAt: string | null; recoveries: number; lastError: string | null } | null;
}

export interface StockStateView {
  connectionId: string;
  pending: number;
  /** Pending SKUs by why they are queued: notification, reorder (re-read), order-imported, sweep, feed. */
  pendingByReason: Record<string, number>;
  reconciliation: StockReconciliationView;
  /** Pending SKUs that failed at least once and wait for their next attempt. */
  retrying: number;
  oldestPendingAt: string | null;
  lastPushes: StockPushView[];
  problems: StockProblemView[];
}

export interface StockSweepNowCommand {
  connectionId: string;
}

export interface StockSweepNowResult {
  connectionId: string;
  /** False when a pass was already running: it goes on from its cursor. */
  started: boolean;
}
