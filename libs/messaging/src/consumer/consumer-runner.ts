import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource } from 'typeorm';
import { MessageHeaders, type ConsumerDefinition } from '@hub/contracts';
import { counter, histogram, runWithContext } from '@hub/platform';
import { describeError, FailurePolicy, PermanentError } from '@hub/work';
import { headersToRecord } from '../nats/headers';
import { JetStreamConnection } from '../nats/jetstream-connection';
import { Outbox } from '../outbox/outbox';
import { ParkingService, REDRIVE_FOR_HEADER } from '../parking/parking.service';
import { JETSTREAM_HANDLER, subjectMatches, type HandlerMetadata, type MessageContext } from './jetstream-handler.decorator';

type HandlerFn = (ctx: MessageContext<object>) => Promise<unknown>;

/** A pull waits this long for messages before asking again (and before noticing a shutdown). */
const PULL_EXPIRES_MS = 2000;

interface BoundHandler {
  metadata: HandlerMetadata;
  fn: HandlerFn;
  name: string;
}

interface RunningConsumer {
  definition: ConsumerDefinition;
  messages?: ConsumerMessages;
  inFlight: Set<Promise<void>>;
  loop?: Promise<void>;
}

const handled = counter('hub_messages_handled_total', 'Messages handled by outcome', ['consumer', 'outcome']);
const duration = histogram('hub_message_handler_seconds', 'Handler duration', ['consumer'], [0.005, 0.02, 0.05, 0.1, 0.5, 1, 5, 30]);

/** Finds @JetStreamHandler methods at boot and runs one pull loop per durable consumer. */
@Injectable()
export class ConsumerRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ConsumerRunner.name);
  private readonly handlers = new Map<string, BoundHandler[]>();
  private readonly running: RunningConsumer[] = [];
  /** Each consumer's failure policy: its retry delays and attempts, the one classifier's rules. */
  private readonly policies = new Map<string, FailurePolicy>();
  private stopping = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly connection: JetStreamConnection,
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly parking: ParkingService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.discover();
    for (const [durable, handlers] of this.handlers) {
      const definition = handlers[0]!.metadata.consumer;
      const running: RunningConsumer = { definition, inFlight: new Set() };
      this.running.push(running);
      const concurrency = Math.max(...handlers.map((h) => h.metadata.options.concurrency));
      running.loop = this.pull(running, concurrency);
      this.logger.log({ msg: 'consumer started', durable, stream: definition.stream.name, handlers: handlers.map((h) => h.name), concurrency });
    }
  }

  /** Stops pulling, lets in-flight handlers finish, then returns (NATS drains afterwards). */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    for (const r of this.running) r.messages?.stop();
    await Promise.allSettled(this.running.map(async (r) => {
      await r.loop;
      await Promise.allSettled([...r.inFlight]);
    }));
  }

  handlerNames(): string[] {
    return [...this.handlers.entries()].flatMap(([durable, hs]) => hs.map((h) => `${durable}:${h.name}`));
  }

  private discover(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const metadata = this.reflector.get<HandlerMetadata | undefined>(JETSTREAM_HANDLER, fn as () => unknown);
        if (!metadata) continue;
        const list = this.handlers.get(metadata.consumer.durable) ?? [];
        list.push({ metadata, fn: (fn as HandlerFn).bind(instance), name: `${instance.constructor.name}.${method}` });
        this.handlers.set(metadata.consumer.durable, list);
      }
    }
  }

  /**
   * Pulls only as many messages as there are free handler slots: a message never waits in a client-side
   * buffer (where nothing heart-beats it) long enough for its ack wait to run out and be delivered twice.
   */
  private async pull(running: RunningConsumer, concurrency: number): Promise<void> {
    const { definition } = running;
    while (!this.stopping) {
      try {
        const consumer = await this.connection.js.consumers.get(definition.stream.name, definition.durable);
        while (!this.stopping) {
          const free = concurrency - running.inFlight.size;
          if (free <= 0) {
            await Promise.race(running.inFlight);
            continue;
          }
          const batch = await consumer.fetch({ max_messages: free, expires: PULL_EXPIRES_MS });
          running.messages = batch;
          for await (const msg of batch) {
            const task = this.handle(definition, msg).finally(() => running.inFlight.delete(task));
            running.inFlight.add(task);
          }
        }
      } catch (error) {
        if (this.stopping) break;
        this.logger.warn({ msg: 'consumer loop failed; restarting', durable: definition.durable, err: describeError(error).message });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async handle(definition: ConsumerDefinition, msg: JsMsg): Promise<void> {
    const headers = headersToRecord(msg.headers);
    const messageId = headers[MessageHeaders.messageId]?.[0] ?? headers[MessageHeaders.natsMsgId]?.[0] ?? `${msg.info.stream}:${msg.seq}`;
    const redriveFor = headers[REDRIVE_FOR_HEADER]?.[0];
    if (redriveFor && redriveFor !== definition.durable) {
      msg.ack();
      return;
    }
    const handler = this.handlers.get(definition.durable)?.find((h) => subjectMatches(h.metadata.event.subject, msg.subject));
    if (!handler) {
      // A newer event type this version does not know: acknowledged, not parked.
      handled.inc({ consumer: definition.durable, outcome: 'ignored' });
      msg.ack();
      return;
    }
    const correlationId = headers[MessageHeaders.correlationId]?.[0];
    const connectionId = headers[MessageHeaders.connectionId]?.[0];
    await runWithContext({ correlationId, connectionId }, async () => {
      const timer = duration.startTimer({ consumer: definition.durable });
      // Work in progress keeps its claim (a handler waiting for API budget can take a while); a crashed
      // process stops heart-beating and JetStream redelivers after one short ack wait.
      const heartbeat = handler.metadata.options.keepAlive ? setInterval(() => msg.working(), Math.max(500, definition.ackWaitMs / 2)) : undefined;
      try {
        const outcome = await this.process(definition, handler, msg, messageId, headers);
        handled.inc({ consumer: definition.durable, outcome });
        msg.ack();
      } catch (error) {
        await this.fail(definition, msg, messageId, error);
      } finally {
        clearInterval(heartbeat);
        timer();
      }
    });
  }

  private async process(definition: ConsumerDefinition, handler: BoundHandler, msg: JsMsg, messageId: string, headers: Record<string, string[]>): Promise<'ok' | 'duplicate'> {
    const payload = await this.decode(handler, msg);
    const run = async (manager: DataSource['manager']): Promise<'ok' | 'duplicate'> => {
      if (handler.metadata.options.inbox) {
        const inserted: unknown[] = await manager.query(
          `INSERT INTO inbox_message (consumer, message_id, subject, stream_sequence) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING RETURNING 1`,
          [definition.durable, messageId, msg.subject, msg.seq],
        );
        if (inserted.length === 0) return 'duplicate';
      }
      await handler.fn({
        payload,
        subject: msg.subject,
        messageId,
        streamSequence: msg.seq,
        attempt: msg.info.deliveryCount,
        connectionId: headers[MessageHeaders.connectionId]?.[0],
        correlationId: headers[MessageHeaders.correlationId]?.[0] ?? messageId,
        headers,
        manager,
        emit: (subject, body, id) => this.outbox.add(manager, { subject, payload: body, messageId: id }),
        working: () => msg.working(),
        failure: (error) => this.policy(definition).classify(error, msg.info.deliveryCount),
      });
      return 'ok';
    };
    return handler.metadata.options.inbox ? this.dataSource.transaction(run) : run(this.dataSource.manager);
  }

  private async decode(handler: BoundHandler, msg: JsMsg): Promise<object> {
    let raw: unknown;
    try {
      raw = msg.json();
    } catch {
      throw new PermanentError('payload is not valid JSON', 'invalid-payload');
    }
    const check = handler.metadata.options.check;
    if (check) {
      const reasons = check(raw);
      if (reasons.length > 0) throw new PermanentError(`payload does not match ${handler.metadata.event.payload.name}: ${reasons.join('; ')}`, 'invalid-payload');
      return raw as object;
    }
    const payload = plainToInstance(handler.metadata.event.payload, raw);
    const errors = await validate(payload as object, { forbidUnknownValues: false });
    if (errors.length > 0) {
      const reasons = errors.flatMap((e) => Object.values(e.constraints ?? { nested: `${e.property} is invalid` }));
      throw new PermanentError(`payload does not match ${handler.metadata.event.payload.name}: ${reasons.join('; ')}`, 'invalid-payload');
    }
    return payload as object;
  }

  private policy(definition: ConsumerDefinition): FailurePolicy {
    let policy = this.policies.get(definition.durable);
    if (!policy) this.policies.set(definition.durable, (policy = FailurePolicy.forConsumer(definition)));
    return policy;
  }

  /** Retried and waiting messages go back with the schedule's delay; refused and parked ones are parked for an operator. */
  private async fail(definition: ConsumerDefinition, msg: JsMsg, messageId: string, error: unknown): Promise<void> {
    const policy = this.policy(definition);
    const verdict = policy.classify(error, msg.info.deliveryCount);
    const attempt = msg.info.deliveryCount;
    if (verdict.action === 'retry' || verdict.action === 'wait') {
      this.logger.warn({ msg: `handler failed; will ${verdict.action}`, durable: definition.durable, subject: msg.subject, messageId, attempt, delayMs: verdict.delayMs, errorKind: verdict.kind, err: verdict.reason });
      handled.inc({ consumer: definition.durable, outcome: verdict.action });
      msg.nak(verdict.delayMs);
      return;
    }
    try {
      await this.parking.park(definition.durable, msg, messageId, { message: verdict.reason, kind: verdict.kind });
      this.logger.error({ msg: 'message parked', durable: definition.durable, subject: msg.subject, messageId, attempt, errorKind: verdict.kind, err: verdict.reason });
      handled.inc({ consumer: definition.durable, outcome: 'parked' });
      msg.ack();
    } catch (parkError) {
      // Could not park (database down): keep the message in JetStream and try again later.
      this.logger.error({ msg: 'parking failed; message kept for redelivery', durable: definition.durable, messageId, err: describeError(parkError).message });
      msg.nak(policy.backoff.delayMs(Number.MAX_SAFE_INTEGER));
    }
  }
}
