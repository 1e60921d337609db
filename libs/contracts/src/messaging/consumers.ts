import { CONSUMER_DEFAULTS, Durations, type ConsumerDefinition } from './definitions';
import { Streams } from './streams';

export const SERVICES = ['gateway', 'orders', 'catalog', 'fiscal-shipping', 'status-sync'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Each service's durable consumer of connection events, feeding its local read model. */
export function connectionsConsumer(owner: Exclude<ServiceName, 'gateway'>): ConsumerDefinition {
  return {
    ...CONSUMER_DEFAULTS,
    stream: Streams.CONNECTIONS,
    durable: `${owner}-connections`,
    filterSubject: 'gateway.connection.>',
    owner,
  };
}

export const Consumers = {
  /** Order import jobs. The runner heart-beats running jobs, so the ack wait only bounds how soon a crashed replica's jobs come back. */
  ordersImport: {
    ...CONSUMER_DEFAULTS,
    stream: Streams.ORDERS_WORK,
    durable: 'orders-import',
    filterSubject: 'orders.import-job.>',
    owner: 'orders',
    ackWaitMs: 15_000,
    maxAttempts: 8,
    retryDelaysMs: [2_000, 10_000, 30_000, 60_000, 120_000, 300_000],
    maxAckPending: 512,
  },
  ordersConnections: connectionsConsumer('orders'),
  catalogConnections: connectionsConsumer('catalog'),
  fiscalShippingConnections: connectionsConsumer('fiscal-shipping'),
  statusSyncConnections: connectionsConsumer('status-sync'),
  /**
   * Tiny stock notifications for catalog. Stock values are absolute and coalesced per SKU by stream
   * sequence, so a retry or a redelivery is harmless; the handler only records the latest value.
   */
  catalogStock: {
    ...CONSUMER_DEFAULTS,
    stream: Streams.TINY_NOTIFICATIONS,
    durable: 'catalog-stock',
    filterSubject: 'gateway.tiny-notification.estoque.v1',
    owner: 'catalog',
    maxAckPending: 512,
  },
  /** Orders imported by the orders service → fiscal-shipping's read model of bindings (Tiny order ⇄ Ideris order). */
  fiscalShippingOrders: {
    ...CONSUMER_DEFAULTS,
    stream: Streams.ORDERS_EVENTS,
    durable: 'fiscal-shipping-orders',
    filterSubject: 'orders.order.imported.v1',
    owner: 'fiscal-shipping',
  },
  /**
   * Tiny `nota_fiscal` notifications. An invoice may arrive before its order's binding: the handler asks for
   * a retry, so the delays grow to ~20 min in all before the message is parked.
   */
  fiscalShippingInvoices: {
    ...CONSUMER_DEFAULTS,
    stream: Streams.TINY_NOTIFICATIONS,
    durable: 'fiscal-shipping-invoices',
    filterSubject: 'gateway.tiny-notification.nota_fiscal.v1',
    owner: 'fiscal-shipping',
    maxAttempts: 8,
    retryDelaysMs: [5 * Durations.SECOND, 15 * Durations.SECOND, 30 * Durations.SECOND, Durations.MINUTE, 2 * Durations.MINUTE, 5 * Durations.MINUTE, 10 * Durations.MINUTE],
  },
  /** Tiny `rastreio` notifications; missing prerequisites (carrier, concluded grouping) are re-checked by a scheduler, not by retries. */
  fiscalShippingTracking: {
    ...CONSUMER_DEFAULTS,
    stream: Streams.TINY_NOTIFICATIONS,
    durable: 'fiscal-shipping-tracking',
    filterSubject: 'gateway.tiny-notification.rastreio.v1',
    owner: 'fiscal-shipping',
    maxAttempts: 8,
    retryDelaysMs: [5 * Durations.SECOND, 15 * Durations.SECOND, 30 * Durations.SECOND, Durations.MINUTE, 2 * Durations.MINUTE, 5 * Durations.MINUTE, 10 * Durations.MINUTE],
  },
  /** Orders imported by the orders service → status-sync's read model of order statuses (both sides). */
  statusSyncOrders: {
    ...CONSUMER_DEFAULTS,
    stream: Streams.ORDERS_EVENTS,
    durable: 'status-sync-orders',
    filterSubject: 'orders.order.imported.v1',
    owner: 'status-sync',
  },
  /**
   * Tiny `situacao_pedido` and `atualizacao_pedido` → Ideris status. Two durables because nats-server 2.9 has
   * no multi-filter consumers; both carry the same change and the second one finds it applied. Only new
   * notifications: replaying days of stale situations on a first deployment would be noise. A notification
   * for an order whose binding has not arrived yet is retried for a while, then ignored.
   */
  statusSyncSituations: {
    ...CONSUMER_DEFAULTS,
    stream: Streams.TINY_NOTIFICATIONS,
    durable: 'status-sync-situations',
    filterSubject: 'gateway.tiny-notification.situacao_pedido.v1',
    owner: 'status-sync',
    deliverPolicy: 'new',
    maxAttempts: 6,
    retryDelaysMs: [2 * Durations.SECOND, 5 * Durations.SECOND, 15 * Durations.SECOND, 30 * Durations.SECOND, Durations.MINUTE],
  },
  statusSyncOrderUpdates: {
    ...CONSUMER_DEFAULTS,
    stream: Streams.TINY_NOTIFICATIONS,
    durable: 'status-sync-order-updates',
    filterSubject: 'gateway.tiny-notification.atualizacao_pedido.v1',
    owner: 'status-sync',
    deliverPolicy: 'new',
    maxAttempts: 6,
    retryDelaysMs: [2 * Durations.SECOND, 5 * Durations.SECOND, 15 * Durations.SECOND, 30 * Durations.SECOND, Durations.MINUTE],
  },
  /**
   * Orders imported by the orders service → catalog re-reads their products' stock from Tiny (the
   * reconciliation backstop: a sale must reach Ideris even if Tiny's stock notification is lost). Marking a
   * SKU for a re-read is idempotent, so a redelivery is harmless.
   */
  catalogImportedOrders: {
    ...CONSUMER_DEFAULTS,
    stream: Streams.ORDERS_EVENTS,
    durable: 'catalog-imported-orders',
    filterSubject: 'orders.order.imported.v1',
    owner: 'catalog',
  },
  /**
   * Tiny price notifications for catalog. Coalesced per SKU by stream sequence like stock: a retry or a
   * redelivery finds its value recorded (or replaced) and changes nothing.
   */
  catalogPrices: {
    ...CONSUMER_DEFAULTS,
    stream: Streams.TINY_NOTIFICATIONS,
    durable: 'catalog-prices',
    filterSubject: 'gateway.tiny-notification.precos.v1',
    owner: 'catalog',
  },
  /**
   * Tiny `produto` notifications for catalog. The gateway usually had catalog record the product already while
   * answering Tiny (request/reply); this durable is the path that cannot be lost. The stream sequence guards each
   * product, so a retry or a redelivery finds it recorded and changes nothing.
   */
  catalogProducts: {
    ...CONSUMER_DEFAULTS,
    stream: Streams.TINY_NOTIFICATIONS,
    durable: 'catalog-products',
    filterSubject: 'gateway.tiny-notification.produto.v1',
    owner: 'catalog',
  },
} as const satisfies Record<string, ConsumerDefinition>;
