import type { ServiceName } from '../messaging/consumers';

/**
 * The operator dashboard's view of durable work, answered by every worker service over its own tables (core NATS
 * request/reply) and merged by the gateway. The shapes are the contract in docs/dashboard-api (WorkItemView,
 * the retry answer); field names must not change, fields may be added.
 */
export const FLOWS = ['orders', 'stock', 'prices', 'products', 'invoices', 'tracking', 'status', 'messages'] as const;
export type FlowName = (typeof FLOWS)[number];

/** The service that owns each flow's tables; `messages` (parked JetStream messages) is in every worker service. */
export const FLOW_OWNERS: Record<Exclude<FlowName, 'messages'>, WorkerService> = {
  orders: 'orders',
  stock: 'catalog',
  prices: 'catalog',
  products: 'catalog',
  invoices: 'fiscal-shipping',
  tracking: 'fiscal-shipping',
  status: 'status-sync',
};

export type WorkerService = Exclude<ServiceName, 'gateway'>;
export const WORKER_SERVICES: readonly WorkerService[] = ['orders', 'catalog', 'fiscal-shipping', 'status-sync'];

export const WORK_STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'gave_up'] as const;
export type WorkStatus = (typeof WORK_STATUSES)[number];

export const WorkRpcSubjects = {
  summary: (service: WorkerService) => `rpc.${service}.work.summary.v1`,
  list: (service: WorkerService) => `rpc.${service}.work.list.v1`,
  groups: (service: WorkerService) => `rpc.${service}.work.groups.v1`,
  get: (service: WorkerService) => `rpc.${service}.work.get.v1`,
  retry: (service: WorkerService) => `rpc.${service}.work.retry.v1`,
  search: (service: WorkerService) => `rpc.${service}.work.search.v1`,
  activity: (service: WorkerService) => `rpc.${service}.work.activity.v1`,
  /** Tiny `produtos.pesquisa` by code or GTIN, in catalog (the owner of products), under the connection's budget. */
  tinyProductSearch: 'rpc.catalog.tiny-product.search.v1',
} as const;

export interface WorkRefs {
  iderisOrderId?: string;
  marketplaceOrderCode?: string;
  tinyOrderId?: string;
  tinyOrderNumber?: string;
  nfeKey?: string;
  sku?: string;
  messageId?: string;
}

export interface WorkItemView {
  /** Opaque to the UI: `<flow>~<connectionId or _>~<key>` (URL-safe). */
  ref: string;
  flow: FlowName;
  connectionId: string | null;
  /** Filled by the gateway from its own connection table (services answer null). */
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
  refs: WorkRefs;
  /** The service that answered (additive). */
  service?: WorkerService;
}

export interface WorkTimelineEntry {
  at: string;
  kind: string;
  detail: unknown;
  answer?: unknown;
}

export interface WorkItemDetail extends WorkItemView {
  timeline: WorkTimelineEntry[];
  request?: unknown;
  answer?: unknown;
}

/** Filters of the failure inbox. */
export interface WorkFilter {
  connectionId?: string;
  /** Only these connections (the caller's API key is scoped to them); absent: every connection. */
  connectionIds?: string[];
  flow?: FlowName;
  reasonCode?: string;
  status?: WorkStatus;
  /** Exact match on any of the item's ids (order ids and numbers, NF-e key, SKU). */
  q?: string;
  olderThanMinutes?: number;
}

export interface WorkListQuery extends WorkFilter {
  limit: number;
  offset: number;
}

/** Sorted newest first (updatedAt desc, ref asc): the order the gateway merges by. */
export interface WorkListAnswer {
  total: number;
  items: WorkItemView[];
}

export interface WorkGroup {
  connectionId: string | null;
  connectionName?: string | null;
  flow: FlowName;
  reasonCode: string;
  count: number;
  oldestAt: string;
  sampleDetail: string | null;
}

export interface WorkRetryCommand {
  refs?: string[];
  filter?: Omit<WorkFilter, 'status' | 'olderThanMinutes'>;
}

export const SKIP_REASONS = ['already_done', 'running', 'not_retryable', 'not_found'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface WorkRetryAnswer {
  matched: number;
  queued: number;
  skipped: number;
  skippedReasons: Partial<Record<SkipReason, number>>;
}

/**
 * One flow of one connection, for the freshness rule. `lastSuccessAt`/`lastFailureAt` are the items' (the last
 * order imported, the last stock push); a flow driven by a poller also says how its poller does.
 */
export interface FlowSummary {
  connectionId: string;
  flow: FlowName;
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  lastFailureAt: string | null;
  failures: number;
  pending: number;
  oldestPendingAt: string | null;
  expectedEverySeconds: number;
  poller?: { lastSuccessAt: string | null; lastFailureAt: string | null; lastError: string | null };
}

export interface WorkSummaryAnswer {
  service: WorkerService;
  flows: FlowSummary[];
}

export type SearchHitKind = 'connection' | 'order' | 'invoice' | 'tracking' | 'sku' | 'product';

export interface WorkSearchHit {
  kind: SearchHitKind;
  connectionId: string | null;
  connectionName?: string | null;
  label: string;
  refs: WorkRefs & { ref?: string };
  flow?: FlowName;
}

export interface WorkActivityQuery {
  connectionId?: string;
  /** Only these connections (a scoped API key). */
  connectionIds?: string[];
  from: string;
}

export interface WorkActivityBucket {
  hour: string;
  flow: FlowName;
  processed: number;
  failed: number;
}

export interface TinyProductSearchQuery {
  connectionId: string;
  q: string;
}

export interface TinyProductSearchItem {
  id: string;
  code: string | null;
  name: string;
  gtin: string | null;
  situation: string | null;
}

/** How each flow is expected to move when nothing is reported yet (a poller that never ran is late). */
export const FLOW_CADENCE: Record<Exclude<FlowName, 'messages'>, { poller: boolean; expectedEverySeconds: number }> = {
  // the orders poller's idle interval (60 s) plus one lease period
  orders: { poller: true, expectedEverySeconds: 90 },
  stock: { poller: false, expectedEverySeconds: 120 },
  prices: { poller: false, expectedEverySeconds: 300 },
  products: { poller: false, expectedEverySeconds: 600 },
  invoices: { poller: false, expectedEverySeconds: 900 },
  tracking: { poller: false, expectedEverySeconds: 900 },
  // the status feed's base interval (30 s) plus one lease period
  status: { poller: true, expectedEverySeconds: 60 },
};
