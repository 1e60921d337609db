import { SetMetadata } from '@nestjs/common';
import type { ConsumerDefinition, EventContract } from '@hub/contracts';
import type { FailureVerdict } from '@hub/work';
import type { EntityManager } from 'typeorm';
import type { Outbox } from '../outbox/outbox';

export const JETSTREAM_HANDLER = Symbol('JETSTREAM_HANDLER');

export interface JetStreamHandlerOptions {
  /** Messages this replica handles at once for the consumer. Use 1 where order matters within a replica. */
  concurrency?: number;
  /**
   * Default true: the handler runs in a transaction with the inbox row, so a redelivered message is seen
   * once. Turn off only for handlers that are naturally idempotent and do no database work.
   */
  inbox?: boolean;
  /**
   * Default true: the runner calls `working()` while the handler runs, so slow work keeps its delivery.
   * Off, a handler slower than the ack wait is delivered again while it still runs (the inbox absorbs it).
   */
  keepAlive?: boolean;
  /**
   * A hand-written check of the payload, equivalent to its class's decorators (the reasons it is invalid, none
   * when valid): used instead of class-transformer + class-validator, which cost more than some handlers' own
   * work. The handler then receives the plain parsed object.
   */
  check?: (raw: unknown) => readonly string[];
}

export interface HandlerMetadata {
  consumer: ConsumerDefinition;
  event: EventContract<object>;
  options: Required<Omit<JetStreamHandlerOptions, 'check'>> & Pick<JetStreamHandlerOptions, 'check'>;
}

/** What a handler receives: the validated payload, the transaction it must write in, and the delivery. */
export interface MessageContext<T> {
  payload: T;
  subject: string;
  messageId: string;
  streamSequence: number;
  /** 1 on first delivery. */
  attempt: number;
  connectionId?: string;
  correlationId: string;
  headers: Record<string, string[]>;
  /** The inbox transaction: write the handler's state changes here so they commit with the inbox row. */
  manager: EntityManager;
  /** Outbox bound to `manager`. */
  emit(subject: string, payload: object, messageId?: string): Promise<string>;
  /** Extends the ack deadline for long work. */
  working(): void;
  /**
   * What the runner does with this delivery if the handler throws `error` (the consumer's failure policy at this
   * attempt): a handler that records its item's state writes the same decision.
   */
  failure(error: unknown): FailureVerdict;
}

export type BoundOutbox = Pick<Outbox, 'add'>;

/**
 * Marks a provider method as the handler of one event on one durable consumer. The messaging module finds
 * these at boot and runs the pull loops; services do not wire consumers by hand.
 */
export function JetStreamHandler<T extends object>(consumer: ConsumerDefinition, event: EventContract<T>, options: JetStreamHandlerOptions = {}): MethodDecorator {
  const metadata: HandlerMetadata = {
    consumer,
    event: event as EventContract<object>,
    options: { concurrency: options.concurrency ?? 4, inbox: options.inbox ?? true, keepAlive: options.keepAlive ?? true, check: options.check },
  };
  return SetMetadata(JETSTREAM_HANDLER, metadata);
}

/** Subject matching with NATS wildcards (`*` one token, `>` the rest). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}
