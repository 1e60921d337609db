import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { IsInt, IsString } from 'class-validator';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { CONSUMER_DEFAULTS, defineEvent, MessageHeaders, type ConsumerDefinition, type StreamDefinition } from '@hub/contracts';
import { DatabaseModule, metricsRegistry } from '@hub/platform';
import { dropSchema, sleep, sql, testDatabaseUrl, testNatsUrl, uniqueSuffix, waitFor } from '@hub/testing';
import { JetStreamHandler, type MessageContext } from './consumer/jetstream-handler.decorator';
import { PermanentError } from '@hub/work';
import { MessagingModule } from './messaging.module';
import { MessagingTables1764200000000 } from './migrations/1764200000000-messaging-tables';
import { MessagePublisher } from './nats/message-publisher';
import { Outbox } from './outbox/outbox';
import { OutboxRelay } from './outbox/outbox-relay';
import { ParkingService } from './parking/parking.service';

const id = uniqueSuffix('msg');
const schema = id;
const subjectRoot = `test.${id}`;

const stream: StreamDefinition = {
  name: id.toUpperCase(),
  subjects: [`${subjectRoot}.>`],
  description: 'messaging integration test',
  retention: 'limits',
  maxAgeMs: 60 * 60 * 1000,
  duplicateWindowMs: 2 * 60 * 1000,
};

const consumer: ConsumerDefinition = {
  ...CONSUMER_DEFAULTS,
  stream,
  durable: `${id}-worker`,
  filterSubject: `${subjectRoot}.work.>`,
  owner: 'orders',
  ackWaitMs: 1000,
  maxAttempts: 3,
  retryDelaysMs: [50, 100],
};

class WorkItem {
  @IsString() key: string;
  @IsInt() sleepMs: number;
}
const workEvent = defineEvent(`${subjectRoot}.work.*`, WorkItem);

class EffectsTable1764200000001 implements MigrationInterface {
  name = 'EffectsTable1764200000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE effect (id bigserial PRIMARY KEY, key text NOT NULL, message_id text NOT NULL)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE effect');
  }
}

/** Handler whose side effect (a row) commits with the inbox row; `failing` keys throw until fixed. */
@Injectable()
class WorkHandler {
  static calls: string[] = [];
  static failing = new Set<string>();

  @JetStreamHandler(consumer, workEvent, { concurrency: 4, keepAlive: false })
  async handle(ctx: MessageContext<WorkItem>): Promise<void> {
    WorkHandler.calls.push(ctx.payload.key);
    if (ctx.payload.key.startsWith('permanent')) throw new PermanentError('the marketplace refused it');
    if (WorkHandler.failing.has(ctx.payload.key)) throw new Error(`boom for ${ctx.payload.key}`);
    await ctx.manager.query('INSERT INTO effect (key, message_id) VALUES ($1, $2)', [ctx.payload.key, ctx.messageId]);
    if (ctx.payload.sleepMs) await sleep(ctx.payload.sleepMs);
  }
}

function buildModule(options: { relay: boolean; handlers: boolean }) {
  @Module({
    imports: [
      DatabaseModule.forService({ url: testDatabaseUrl(), schema, entities: [], migrations: [MessagingTables1764200000000, EffectsTable1764200000001] }),
      MessagingModule.forRoot({ service: 'orders', natsUrl: testNatsUrl(), streams: [stream], consumers: [consumer], relay: options.relay }),
    ],
    providers: options.handlers ? [WorkHandler] : [],
  })
  class TestAppModule {}
  return TestAppModule;
}

async function startApp(options: { relay: boolean; handlers: boolean }): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [buildModule(options)] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

async function duplicatesSeen(): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('hub_messages_handled_total')?.get();
  return metric?.values.find((v) => v.labels['consumer'] === consumer.durable && v.labels['outcome'] === 'duplicate')?.value ?? 0;
}

async function effects(key: string): Promise<number> {
  const rows = await sql<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".effect WHERE key = $1`, [key]);
  return Number(rows[0]!.n);
}

describe('messaging against real PostgreSQL and NATS JetStream', () => {
  let nc: NatsConnection;
  let app: INestApplication;

  beforeAll(async () => {
    nc = await connect({ servers: testNatsUrl() });
    app = await startApp({ relay: true, handlers: true });
  });

  afterAll(async () => {
    await app?.close();
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(stream.name).catch(() => undefined);
    await nc.drain();
    await dropSchema(schema);
  });

  async function streamCount(subject: string): Promise<number> {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(stream.name, { subjects_filter: subject });
    return info.state.subjects?.[subject] ?? 0;
  }

  it('publishes an outbox row committed before a crash once, when a relay starts again', async () => {
    const crashed = await startApp({ relay: false, handlers: false });
    const subject = `${subjectRoot}.outbox.crash`;
    const ds = crashed.get(DataSource);
    const rowId = await ds.transaction((m) => crashed.get(Outbox).add(m, { subject, payload: { n: 1 } }));
    await crashed.close(); // the process dies after commit, before any relay ran

    await app.get(OutboxRelay).drain();
    await waitFor(async () => (await streamCount(subject)) === 1);
    const rows = await sql<{ published_at: Date | null }>(`SELECT published_at FROM "${schema}".outbox_message WHERE id = $1`, [rowId]);
    expect(rows[0]!.published_at).not.toBeNull();
    await sleep(300);
    expect(await streamCount(subject)).toBe(1);
  });

  it('does not publish twice when a relay published and died before marking the row', async () => {
    const subject = `${subjectRoot}.outbox.half`;
    const idle = await startApp({ relay: false, handlers: false });
    const ds = idle.get(DataSource);
    const rowId = await ds.transaction((m) => idle.get(Outbox).add(m, { subject, payload: { n: 2 } }));
    // What the dead relay did: published with Nats-Msg-Id = the row's message id, then crashed.
    await idle.get(MessagePublisher).publishJson(subject, { n: 2 }, { messageId: rowId });
    await idle.close();
    await app.get(OutboxRelay).drain();
    await sleep(200);
    expect(await streamCount(subject)).toBe(1);
  });

  it('two relays on one table never publish a row twice', async () => {
    const subject = `${subjectRoot}.outbox.race`;
    const seen: string[] = [];
    const sub = nc.subscribe(subject, { callback: (_err, msg) => void seen.push(msg.headers?.get(MessageHeaders.messageId) ?? '') });
    const writer = await startApp({ relay: false, handlers: false });
    const second = await startApp({ relay: true, handlers: false });
    const ds = writer.get(DataSource);
    const outbox = writer.get(Outbox);
    const total = 400;
    for (let batch = 0; batch < total / 50; batch++) {
      await ds.transaction(async (m) => {
        for (let i = 0; i < 50; i++) await outbox.add(m, { subject, payload: { i: batch * 50 + i } });
      });
    }
    await waitFor(async () => (await streamCount(subject)) === total, 20_000);
    await sleep(300);
    // Core NATS sees every publish, including ones JetStream would have de-duplicated.
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
    sub.unsubscribe();
    await second.close();
    await writer.close();
  });

  it('handles a message delivered twice only once (inbox)', async () => {
    const publisher = app.get(MessagePublisher);
    // Slower than ack_wait (1 s): JetStream redelivers while the first delivery is still running.
    await publisher.publishJson(`${subjectRoot}.work.slow`, { key: 'slow', sleepMs: 1600 }, { messageId: 'slow-1' });
    // The same logical message published again under another Nats-Msg-Id (e.g. a producer retry after the window).
    await publisher.publishJson(`${subjectRoot}.work.dup`, { key: 'dup', sleepMs: 0 }, { messageId: 'dup-a', headers: { [MessageHeaders.messageId]: ['dup-logical'] } });
    await publisher.publishJson(`${subjectRoot}.work.dup`, { key: 'dup', sleepMs: 0 }, { messageId: 'dup-b', headers: { [MessageHeaders.messageId]: ['dup-logical'] } });
    // Both the redelivery of `slow` and the second `dup` reach the consumer and are recognised by the inbox.
    await waitFor(async () => (await duplicatesSeen()) >= 2, 10_000);
    await sleep(1500);
    expect(WorkHandler.calls.filter((k) => k === 'slow')).toHaveLength(1);
    expect(WorkHandler.calls.filter((k) => k === 'dup')).toHaveLength(1);
    expect(await effects('slow')).toBe(1);
    expect(await effects('dup')).toBe(1);
  });

  it('parks a message that always fails after the configured attempts, and a re-drive after the fix processes it once', async () => {
    WorkHandler.failing.add('poison');
    await app.get(MessagePublisher).publishJson(`${subjectRoot}.work.poison`, { key: 'poison', sleepMs: 0 }, { messageId: 'poison-1' });
    const parking = app.get(ParkingService);
    const parked = await waitFor(async () => (await parking.list({ consumer: consumer.durable })).find((p) => p.messageId === 'poison-1'));
    expect(parked.attempts).toBe(3);
    expect(parked.error).toContain('boom for poison');
    expect(parked.subject).toBe(`${subjectRoot}.work.poison`);
    expect(JSON.parse(parked.data)).toEqual({ key: 'poison', sleepMs: 0 });
    expect(parked.headers[MessageHeaders.messageId]).toEqual(['poison-1']);
    expect(WorkHandler.calls.filter((k) => k === 'poison')).toHaveLength(3);
    expect(await effects('poison')).toBe(0);

    WorkHandler.failing.delete('poison');
    await expect(parking.redrive(parked.id)).resolves.toEqual({ id: parked.id, redriven: true });
    await waitFor(async () => (await effects('poison')) === 1);
    await sleep(500);
    expect(await effects('poison')).toBe(1);
    expect(WorkHandler.calls.filter((k) => k === 'poison')).toHaveLength(4);
    expect(await parking.list({ consumer: consumer.durable })).not.toContainEqual(expect.objectContaining({ id: parked.id }));
  });

  it('parks a business refusal and an invalid payload at once, without retrying', async () => {
    const publisher = app.get(MessagePublisher);
    await publisher.publishJson(`${subjectRoot}.work.refused`, { key: 'permanent-1', sleepMs: 0 }, { messageId: 'refused-1' });
    await publisher.publishJson(`${subjectRoot}.work.bad`, { key: 42 }, { messageId: 'bad-1' });
    const parking = app.get(ParkingService);
    const refused = await waitFor(async () => (await parking.list()).find((p) => p.messageId === 'refused-1'));
    const bad = await waitFor(async () => (await parking.list()).find((p) => p.messageId === 'bad-1'));
    expect(refused).toMatchObject({ attempts: 1, errorKind: 'business', error: 'the marketplace refused it' });
    expect(bad.attempts).toBe(1);
    expect(bad.errorKind).toBe('invalid-payload');
    expect(bad.error).toMatch(/key must be a string/);
    expect(WorkHandler.calls.filter((k) => k === 'permanent-1')).toHaveLength(1);
  });
});
