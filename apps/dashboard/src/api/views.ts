/**
 * Response shapes of the routes whose OpenAPI document has no response schema (they answer what a
 * worker service returns over NATS) and of the dashboard routes in /work/wt/dashboard-api.md.
 * Request paths, parameters and bodies come from the generated openapi.d.ts.
 */
export const FLOWS = ['orders', 'stock', 'prices', 'products', 'invoices', 'tracking', 'status', 'messages'] as const;
export type Flow = (typeof FLOWS)[number];
export const SWITCHABLE_FLOWS = ['orders', 'stock', 'prices', 'products', 'invoices', 'tracking', 'status'] as const;
export type SwitchableFlow = (typeof SWITCHABLE_FLOWS)[number];

export type Situation = 'not_installed' | 'not_configured' | 'active' | 'inactive';
export type Health = 'ok' | 'late' | 'failing' | 'inactive' | 'not_set_up';
/** `unknown`: the service owning the flow did not answer in time (health ignores it). */
export type FlowState = 'ok' | 'late' | 'failing' | 'idle' | 'off' | 'unknown';

export interface Page<T> {
  total: number;
  items: T[];
  /** Services that did not answer in time: the list may miss their items. */
  partial?: string[];
}

export interface FlowFreshness {
  state: FlowState;
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  expectedEverySeconds: number;
  failures: number;
  pending: number;
  lastFailureAt?: string | null;
  oldestPendingAt?: string | null;
  poller?: { lastSuccessAt: string | null; lastFailureAt: string | null; lastError: string | null };
}

export interface OverviewRow {
  id: string;
  name: string;
  cnpj: string | null;
  situation: Situation;
  health: Health;
  flows: Partial<Record<Flow, FlowFreshness>>;
}

export interface Overview extends Page<OverviewRow> {
  counts: Record<Health, number>;
  generatedAt: string;
}

export interface WithPartial {
  partial?: string[];
}

export type WorkStatus = 'queued' | 'running' | 'waiting' | 'succeeded' | 'gave_up';

export interface ItemRefs {
  iderisOrderId?: string | number;
  marketplaceOrderCode?: string;
  tinyOrderId?: string;
  tinyOrderNumber?: string;
  nfeKey?: string;
  sku?: string;
  messageId?: string;
}

export interface WorkItemView {
  ref: string;
  flow: Flow;
  connectionId: string | null;
  connectionName: string | null;
  key: string;
  status: WorkStatus;
  outcome: string;
  reasonCode: string;
  reasonDetail: string | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  nextCheckAt: string | null;
  refs: ItemRefs;
}

export interface TimelineEntry {
  at: string;
  kind: string;
  detail: unknown;
  answer?: unknown;
}

export interface WorkItemDetail extends WorkItemView {
  timeline: TimelineEntry[];
  request?: unknown;
  answer?: unknown;
}

export interface FailureGroup {
  connectionId: string | null;
  connectionName?: string | null;
  flow: Flow;
  reasonCode: string;
  count: number;
  oldestAt: string;
  sampleDetail: string | null;
}

export interface RetryFilter {
  connectionId?: string;
  flow?: string;
  reasonCode?: string;
  q?: string;
}

export interface RetryResult {
  matched: number;
  queued: number;
  skipped: number;
  skippedReasons: { already_done?: number; running?: number; not_retryable?: number; not_found?: number };
}

export interface SearchHit {
  kind: 'connection' | 'order' | 'invoice' | 'tracking' | 'sku' | 'product';
  connectionId: string | null;
  connectionName: string | null;
  label: string;
  refs: ItemRefs & { ref?: string };
  flow?: Flow;
}

export interface Budget {
  /** null until the account made its first call (the limit is learned from Tiny's answers). */
  limitPerMinute: number | null;
  usedLastMinute: number;
  byLane: { realtime: number; normal: number; bulk: number };
  queued: number;
  blocks: { last24h: number; lastAt: string | null };
  pausedUntil: string | null;
}

export interface BudgetView {
  tiny: Budget;
  ideris: Budget;
  perMinute: { minute: string; tiny: number; ideris: number }[];
}

export interface ActivityView {
  from: string;
  to: string;
  buckets: { hour: string; flow: Flow; processed: number; failed: number }[];
}

export interface TinyProduct {
  id: string;
  code: string | null;
  name: string;
  gtin: string | null;
  situation: string | null;
}

export interface MarketplaceAccount {
  accountId: string | number;
  marketplace: string | null;
  name: string | null;
  state: 'enabled' | 'disabled' | 'not_chosen';
  tinyIntegrationId: number | null;
  firstSeenAt: string;
}

export interface MarketplacesView {
  newAccounts: 'skip' | 'import';
  items: MarketplaceAccount[];
}

export const ORDER_STATES = ['discovered', 'imported', 'needs_mapping', 'invalid', 'cancelled_before_import', 'refused', 'skipped'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export interface OrderView {
  iderisOrderId: number;
  marketplace: string | null;
  marketplaceOrderCode: string | null;
  state: OrderState;
  workStatus: string;
  reason: string | null;
  reasonCode?: string | null;
  unknownSkus: string[] | null;
  attempts: number;
  tinyOrderId: string | null;
  tinyOrderNumber: string | null;
  /** The order's marketplace date (Ideris's payment approval); null when Ideris gave none (the day filter then reads discoveredAt). */
  approvedAt: string | null;
  discoveredAt: string;
  importedAt: string | null;
  stockPostedAt: string | null;
  /** Queued behind its connection's other imports: since when it waits for a turn (absent from older services). */
  waitingForTurnSince?: string | null;
}

export interface OrdersList {
  total: number;
  counts: { state: string; work_status: string; n: number }[];
  orders: OrderView[];
}

export interface OrderDetail extends OrderView {
  history: { at: string; kind: string; detail: unknown }[];
}

export interface StockPush {
  sku: string;
  quantity: number;
  previousQuantity: number | null;
  sourceSequence: number;
  latencyMs: number | null;
  at: string;
}

export interface StockState {
  connectionId: string;
  pending: number;
  pendingByReason: Record<string, number>;
  retrying: number;
  oldestPendingAt: string | null;
  lastPushes: StockPush[];
  problems: { sku: string; kind: string; detail: string; desiredQuantity: number | null; at: string }[];
  reconciliation: { sweep?: { lastPassFinishedAt?: string | null; passes?: number; [k: string]: unknown } | null; feed?: unknown };
}

export interface PriceConfirmation {
  id: string;
  sku: string;
  listingModelId: number;
  marketplace: string;
  oldPriceCents: number;
  newPriceCents: number;
  dropPercent: number;
  status: string;
  detail: string | null;
  createdAt: string;
  decidedAt: string | null;
}

export interface PriceRule {
  marketplace: string;
  markupPercent: number;
  fixedAdditionCents: number;
  rounding: string;
  usePromotional: boolean;
  priceListId?: string | null;
}

export interface PriceRules {
  connectionId: string;
  maxDropPercent: number;
  rules: PriceRule[];
}

export interface OrderStatusView {
  iderisOrderId: number;
  tinyOrderId: string;
  tinySituation: string | null;
  iderisStatusId: number | null;
  needsAttention: boolean;
  attentionReason: string | null;
  attentionResolution: string | null;
  lastWritten: { side: 'tiny' | 'ideris'; value: string; at: string } | null;
  updatedAt: string;
}

export interface StatusOrdersList {
  total: number;
  needsAttention?: number;
  items?: OrderStatusView[];
  orders?: OrderStatusView[];
}

export interface StatusMap {
  tinyToIderis: Record<string, number | null>;
  iderisToTiny: Record<string, string>;
  iderisStatuses?: { id: number; name: string }[];
  [k: string]: unknown;
}

export interface ParkedMessage {
  id: string;
  consumer: string;
  stream: string;
  subject: string;
  messageId: string;
  connectionId: string | null;
  error: string;
  errorKind: string;
  attempts: number;
  parkedAt: string;
  redrivenAt: string | null;
}

export const SERVICES = ['orders', 'catalog', 'fiscal-shipping', 'status-sync', 'gateway'] as const;
