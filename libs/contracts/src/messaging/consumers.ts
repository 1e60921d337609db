import { CONSUMER_DEFAULTS, type ConsumerDefinition } from './definitions';
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
} as const satisfies Record<string, ConsumerDefinition>;
