import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { IsString } from 'class-validator';
import { CONSUMER_DEFAULTS, defineEvent, type ConsumerDefinition, type StreamDefinition } from '@hub/contracts';
import { DatabaseModule } from '@hub/platform';
import { dropSchema, sql, testDatabaseUrl, testNatsUrl, uniqueSuffix, waitFor } from '@hub/testing';
import { JetStreamHandler, type MessageContext } from './consumer/jetstream-handler.decorator';
import { MessagingModule } from './messaging.module';
import { MessagingTables1764200000000 } from './migrations/1764200000000-messaging-tables';
import { MessagePublisher } from './nats/message-publisher';

const id = uniqueSuffix('drain');
const stream: StreamDefinition = { name: id.toUpperCase(), subjects: [`test.${id}.>`], description: 'drain test', retention: 'limits', maxAgeMs: 3_600_000, duplicateWindowMs: 120_000 };
const consumer: ConsumerDefinition = { ...CONSUMER_DEFAULTS, stream, durable: `${id}-slow`, filterSubject: `test.${id}.>`, owner: 'catalog' };

class Job {
  @IsString() key: string;
}

@Injectable()
class SlowHandler {
  static started = 0;
  static finished = 0;

  @JetStreamHandler(consumer, defineEvent(`test.${id}.job`, Job), { concurrency: 2 })
  async handle(ctx: MessageContext<Job>): Promise<void> {
    SlowHandler.started++;
    await new Promise((r) => setTimeout(r, 1200));
    await ctx.manager.query('INSERT INTO inbox_message (consumer, message_id, subject, stream_sequence) VALUES ($1, $2, $3, 0)', ['effect', ctx.payload.key, ctx.subject]);
    SlowHandler.finished++;
  }
}

@Module({
  imports: [
    DatabaseModule.forService({ url: testDatabaseUrl(), schema: id, entities: [], migrations: [MessagingTables1764200000000] }),
    MessagingModule.forRoot({ service: 'catalog', natsUrl: testNatsUrl(), streams: [stream], consumers: [consumer] }),
  ],
  providers: [SlowHandler],
})
class DrainModule {}

describe('graceful shutdown', () => {
  afterAll(async () => {
    const nc = await connect({ servers: testNatsUrl() });
    await (await jetstreamManager(nc)).streams.delete(stream.name).catch(() => undefined);
    await nc.close();
    await dropSchema(id);
  });

  it('lets in-flight handlers commit and acknowledge before NATS drains', async () => {
    const app = (await Test.createTestingModule({ imports: [DrainModule] }).compile()).createNestApplication({ logger: false });
    app.enableShutdownHooks();
    await app.init();
    await app.get(MessagePublisher).publishJson(`test.${id}.job`, { key: 'a' }, { messageId: `${id}-a` });
    await app.get(MessagePublisher).publishJson(`test.${id}.job`, { key: 'b' }, { messageId: `${id}-b` });
    await waitFor(() => SlowHandler.started === 2, 5000, 10);
    await app.close();

    expect(SlowHandler.finished).toBe(2);
    const effects = await sql(`SELECT message_id FROM "${id}".inbox_message WHERE consumer = 'effect' ORDER BY message_id`);
    expect(effects.map((e) => e['message_id'])).toEqual(['a', 'b']);
    const nc = await connect({ servers: testNatsUrl() });
    const info = await (await jetstreamManager(nc)).consumers.info(stream.name, consumer.durable);
    await nc.close();
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(info.delivered.stream_seq).toBe(2);
  });
});
