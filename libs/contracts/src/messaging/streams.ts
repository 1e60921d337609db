import { Durations, type StreamDefinition } from './definitions';

export const Streams = {
  CONNECTIONS: {
    name: 'CONNECTIONS',
    subjects: ['gateway.connection.>'],
    description: 'Connection lifecycle events from the gateway; every service keeps a read model from them.',
    retention: 'limits',
    maxAgeMs: 30 * Durations.DAY,
    duplicateWindowMs: 2 * Durations.MINUTE,
  },
  TINY_NOTIFICATIONS: {
    name: 'TINY_NOTIFICATIONS',
    subjects: ['gateway.tiny-notification.>'],
    description: 'Raw Tiny webhooks, persisted by the gateway before it answers 200.',
    retention: 'limits',
    maxAgeMs: 7 * Durations.DAY,
    duplicateWindowMs: 10 * Durations.MINUTE,
  },
  ORDERS_WORK: {
    name: 'ORDERS_WORK',
    subjects: ['orders.import-job.>'],
    description: 'Order import jobs: one per Ideris order discovered (deduplicated by connection and order id).',
    retention: 'workqueue',
    maxAgeMs: 14 * Durations.DAY,
    duplicateWindowMs: 30 * Durations.MINUTE,
  },
  ORDERS_EVENTS: {
    name: 'ORDERS_EVENTS',
    subjects: ['orders.order.>'],
    description: 'Order outcomes announced by the orders service (imported, parked).',
    retention: 'limits',
    maxAgeMs: 14 * Durations.DAY,
    duplicateWindowMs: 2 * Durations.MINUTE,
  },
} as const satisfies Record<string, StreamDefinition>;
