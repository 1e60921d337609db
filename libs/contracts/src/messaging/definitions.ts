/** A JetStream stream, provisioned idempotently at start-up by every service that uses it. */
export interface StreamDefinition {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly description: string;
  /** `limits` keeps messages for every consumer (events); `workqueue` deletes them once acknowledged (jobs). */
  readonly retention: 'limits' | 'workqueue';
  readonly maxAgeMs: number;
  /** Window in which a repeated `Nats-Msg-Id` is dropped by the server. */
  readonly duplicateWindowMs: number;
}

/** A durable pull consumer and the retry policy of the handler bound to it. */
export interface ConsumerDefinition {
  readonly stream: StreamDefinition;
  readonly durable: string;
  readonly filterSubject: string;
  /** The service that owns and runs it. */
  readonly owner: string;
  /** How long a delivery may go unacknowledged before JetStream redelivers it. */
  readonly ackWaitMs: number;
  /** Deliveries before the message is parked (the last one included). */
  readonly maxAttempts: number;
  /** Delay before the n-th redelivery (nak with delay); the last value repeats. */
  readonly retryDelaysMs: readonly number[];
  /** In-flight messages per consumer across all replicas. */
  readonly maxAckPending: number;
  /** Where a new durable starts: the whole stream (default) or only messages published from now on. */
  readonly deliverPolicy?: 'all' | 'new';
}

/** A payload class bound to the subject(s) it travels on. */
export interface EventContract<T extends object> {
  /** A concrete subject, or a pattern ending in `>` / containing `*` for families such as Tiny notifications. */
  readonly subject: string;
  readonly payload: new () => T;
}

export function defineEvent<T extends object>(subject: string, payload: new () => T): EventContract<T> {
  return { subject, payload };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

export const Durations = { SECOND, MINUTE, DAY } as const;

/**
 * Defaults for consumers, named so the reasons stay with them:
 * - ack wait 30 s: the runner heart-beats (`working()`) every half ack wait while a handler runs, so this
 *   only bounds how soon a crashed replica's work is delivered again.
 * - retries with nak(delay) and growing delays, not consumer `backoff` (which replaces ack_wait with its
 *   first value on nats-server 2.9).
 */
export const CONSUMER_DEFAULTS = {
  ackWaitMs: 30 * SECOND,
  maxAttempts: 5,
  retryDelaysMs: [1 * SECOND, 5 * SECOND, 30 * SECOND, 2 * MINUTE],
  maxAckPending: 256,
} as const;
