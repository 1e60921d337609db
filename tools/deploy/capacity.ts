// The capacity model behind the autoscalers' bounds in k8s/ and the capacity table of docs/deploy.md (both
// checked against it by k8s.spec.ts). At a Black-Friday peak each connection's work is bounded by its own
// Tiny and Ideris budgets, which every replica of every service shares. The CPU an item costs is measured:
// orders, catalog and gateway by bench:scale (200 connections, 3 replicas of each worker, 2 gateways: CPU over
// the peak and drain window ÷ the items moved); fiscal-shipping and status-sync see no invoices or situation
// changes in bench:scale, so theirs come from bench:fiscal (one replica each) or stay assumed (see cpuSource).

/** The manifests are sized for this many connections; every figure below scales linearly with it. */
export const CONNECTIONS = 100;

/** Calls per minute one connection may make (the accounts' rate limits). */
export const BUDGET_PER_MINUTE = { tiny: 60, ideris: 50 } as const;

/**
 * The CPU one replica is scaled to run at (the `cpu` triggers' AverageValue): half of its 1-CPU limit, since
 * a Node process has one event loop and its latency grows well before the core is full.
 */
export const CPU_TARGET_CORES = 0.5;

/** A worker's lag trigger adds a replica per backlog that one replica clears in this many seconds at its CPU target. */
export const DRAIN_SECONDS = 30;

/** Availability: one replica may be drained or restarted while another works; the consumers always exist. */
export const MIN_REPLICAS = 2;

/**
 * Tiny notifications an imported order brings at peak: ~2 `estoque` (its items), ~4 situation changes each
 * notified twice (`situacao_pedido` and `atualizacao_pedido`), one `nota_fiscal`, one `rastreio`.
 */
export const NOTIFICATIONS_PER_ORDER = 12;

type Api = keyof typeof BUDGET_PER_MINUTE;

/** One kind of item a service handles, bounded by the calls it costs on one API. */
interface Flow {
  item: string;
  api: Api;
  callsPerItem: number;
  /** The part of that API's budget this flow can get (the rest goes to work it cannot do without). */
  budgetShare: number;
}

interface ServiceInput {
  service: 'gateway' | 'orders' | 'catalog' | 'fiscal-shipping' | 'status-sync';
  /** CPU-seconds per item, and where the figure comes from. */
  cpuSecondsPerItem: number;
  cpuSource: string;
  /** Workers: what bounds their items. The gateway's items are the notifications of the orders' peak. */
  flows: Flow[];
}

export const SERVICES: readonly ServiceInput[] = [
  {
    service: 'gateway',
    // bench:scale: the 2 gateways' CPU ÷ the Tiny notifications stored (18,142 orders' and the stock changes'
    // notifications; the gateways also serve the connections' settings). bench:stock gave 0.0016, bench:intake 0.00067.
    cpuSecondsPerItem: 0.0025,
    cpuSource: 'bench:scale (2 gateways, per notification stored)',
    flows: [],
  },
  {
    service: 'orders',
    // bench:scale: 3 replicas' CPU (polls, imports, lease renewals) ÷ orders imported: 0.0219; bench:orders
    // (one replica, after ADR 0025) agrees.
    cpuSecondsPerItem: 0.022,
    cpuSource: 'bench:scale (3 replicas, per order imported: 0.0219) and bench:orders',
    // `/order/{id}` once per order (and one `pedido.incluir` on Tiny); the poller keeps ≤ 1/5 of the Ideris budget.
    flows: [{ item: 'order imported', api: 'ideris', callsPerItem: 1, budgetShare: 0.8 }],
  },
  {
    service: 'catalog',
    // bench:scale: 3 replicas' CPU ÷ stock pushes logged (bench:stock, one replica: 0.0155).
    cpuSecondsPerItem: 0.0154,
    cpuSource: 'bench:scale (3 replicas, per stock push)',
    // One Ideris write per stock push (+ ~0.76 Tiny reads, well inside Tiny's budget).
    flows: [{ item: 'stock push', api: 'ideris', callsPerItem: 1, budgetShare: 1 }],
  },
  {
    service: 'fiscal-shipping',
    // bench:fiscal (--orders 200 --cancellations 20, one replica): 10.15 CPU-s over the whole run (start-up, 156 s of
    // polling, ~400 invoice and tracking notifications with their duplicates) ÷ 324 invoices and tracking codes sent.
    cpuSecondsPerItem: 0.031,
    cpuSource: 'bench:fiscal (one replica, whole-run CPU ÷ invoices and tracking sent: an upper bound)',
    // An invoice costs 2 Tiny calls (`nota.fiscal.obter`, `…obter.xml`) + 1 Ideris; a tracking 2 Tiny + 1 Ideris.
    flows: [{ item: 'invoice or tracking', api: 'tiny', callsPerItem: 2, budgetShare: 1 }],
  },
  {
    service: 'status-sync',
    // bench:fiscal (same run): 10.97 CPU-s (start-up, polling, ~790 situation notifications and their duplicates)
    // ÷ 332 status writes (322 Tiny → Ideris, 10 Ideris → Tiny).
    cpuSecondsPerItem: 0.033,
    cpuSource: 'bench:fiscal (one replica, whole-run CPU ÷ status writes: an upper bound)',
    flows: [
      // Tiny → Ideris: the order's Ideris status read, then the write.
      { item: 'Tiny situation → Ideris', api: 'ideris', callsPerItem: 2, budgetShare: 1 },
      // Ideris → Tiny: `pedido.obter`, then `pedido.alterar.situacao`.
      { item: 'Ideris status → Tiny', api: 'tiny', callsPerItem: 2, budgetShare: 1 },
    ],
  },
];

export interface ServiceCapacity {
  service: ServiceInput['service'];
  /** Items per second at the peak of `connections` connections. */
  itemsPerSecond: number;
  /** CPU cores the service uses then, rounded to hundredths. */
  cores: number;
  /** Replicas that run it at CPU_TARGET_CORES each. */
  replicasAtPeak: number;
  minReplicas: number;
  /** One spare over the peak (a node drain or a rollout during the peak), and never fewer than min + 1. */
  maxReplicas: number;
  /** Workers: the nats-jetstream `lagThreshold` (items one replica clears in DRAIN_SECONDS), a multiple of 50. */
  lagThreshold?: number;
}

const callsPerSecond = (api: Api, connections: number) => (BUDGET_PER_MINUTE[api] * connections) / 60;

function itemsPerSecond(input: ServiceInput, connections: number): number {
  if (input.service === 'gateway') {
    const orders = SERVICES.find((s) => s.service === 'orders');
    return orders === undefined ? Number.NaN : NOTIFICATIONS_PER_ORDER * itemsPerSecond(orders, connections);
  }
  return input.flows.reduce((sum, f) => sum + (callsPerSecond(f.api, connections) * f.budgetShare) / f.callsPerItem, 0);
}

export function capacity(connections = CONNECTIONS): ServiceCapacity[] {
  return SERVICES.map((input) => {
    const items = itemsPerSecond(input, connections);
    const cores = Math.round(items * input.cpuSecondsPerItem * 100) / 100;
    const replicasAtPeak = Math.ceil(cores / CPU_TARGET_CORES);
    const result: ServiceCapacity = {
      service: input.service,
      itemsPerSecond: items,
      cores,
      replicasAtPeak,
      minReplicas: MIN_REPLICAS,
      maxReplicas: Math.max(replicasAtPeak + 1, MIN_REPLICAS + 1),
    };
    if (input.flows.length > 0) result.lagThreshold = Math.floor((CPU_TARGET_CORES / input.cpuSecondsPerItem) * DRAIN_SECONDS / 50) * 50;
    return result;
  });
}

/**
 * Order imports one busy connection keeps in flight at the peak: one calling Tiny or Ideris, one waiting for the
 * account's next slot. The orders replicas together must hold that many for every connection (bench:scale).
 */
export const IMPORTS_IN_FLIGHT_PER_CONNECTION = 2;

/** The API budget's own pool in every replica (`BudgetStore.connect`, libs/budget). */
export const API_BUDGET_POOL = 4;
/** The outbox relay's `LISTEN` connection in every replica (libs/messaging). */
export const OUTBOX_LISTEN_CONNECTIONS = 1;

/** The PostgreSQL connections one replica may hold at once, for a DB_POOL_SIZE (start-up adds 2 for a few seconds). */
export function postgresConnectionsPerReplica(poolSize: number): number {
  return poolSize + API_BUDGET_POOL + OUTBOX_LISTEN_CONNECTIONS;
}
