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
  ordersConnections: connectionsConsumer('orders'),
  catalogConnections: connectionsConsumer('catalog'),
  fiscalShippingConnections: connectionsConsumer('fiscal-shipping'),
  statusSyncConnections: connectionsConsumer('status-sync'),
} as const satisfies Record<string, ConsumerDefinition>;
