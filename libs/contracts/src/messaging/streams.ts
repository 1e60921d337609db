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
} as const satisfies Record<string, StreamDefinition>;
