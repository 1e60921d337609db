import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { Transport } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { IsString } from 'class-validator';
import { CONSUMER_DEFAULTS, Consumers, defineEvent, type ConsumerDefinition, type StreamDefinition } from '@hub/contracts';
import { ServiceFoundationModule } from '@hub/connections';
import { JetStreamHandler, MessagePublisher, type MessageContext } from '@hub/messaging';
import { PermanentError } from '@hub/work';
import { EncryptionConfig, loadConfig } from '@hub/platform';
import { dropSchema, testNatsUrl, uniqueSuffix, waitFor } from '@hub/testing';
import { gatewayEnv, startGateway, type GatewayHarness } from './gateway-harness';

const id = uniqueSuffix('park');
const stream: StreamDefinition = { name: id.toUpperCase(), subjects: [`test.${id}.>`], description: 'parked-message admin test', retention: 'limits', maxAgeMs: 3_600_000, duplicateWindowMs: 120_000 };
const consumer: ConsumerDefinition = { ...CONSUMER_DEFAULTS, stream, durable: `${id}-refuser`, filterSubject: `test.${id}.>`, owner: 'orders' };

class Thing {
  @IsString() name: string;
}

@Injectable()
class Refuser {
  static fixed = false;
  static handled: string[] = [];

  @JetStreamHandler(consumer, defineEvent(`test.${id}.*`, Thing))
  async handle(ctx: MessageContext<Thing>): Promise<void> {
    if (!Refuser.fixed) throw new PermanentError(`Tiny refused ${ctx.payload.name}`);
    Refuser.handled.push(ctx.payload.name);
  }
}

/** The admin API asks a service for its parked messages over NATS request/reply, and re-drives one. */
describe('parked messages through the gateway admin API', () => {
  let h: GatewayHarness;
  let orders: INestApplication;
  const ordersSchema = uniqueSuffix('orders');
  const readModel: ConsumerDefinition = { ...Consumers.ordersConnections, durable: `${id}-connections`.replace(/_/g, '-'), deliverPolicy: 'new' };

  beforeAll(async () => {
    h = await startGateway();
    const config = loadConfig(EncryptionConfig, { ...gatewayEnv(ordersSchema), HUB_ENCRYPTION_KEY: h.config.HUB_ENCRYPTION_KEY });
    @Module({
      imports: [ServiceFoundationModule.forService({ service: 'orders', config, connectionsConsumer: readModel, consumers: [consumer], streams: [stream] })],
      providers: [Refuser],
    })
    class OrdersUnderTest {}
    orders = (await Test.createTestingModule({ imports: [OrdersUnderTest] }).compile()).createNestApplication({ logger: false });
    orders.connectMicroservice({ transport: Transport.NATS, options: { servers: [testNatsUrl()], queue: 'orders' } });
    await orders.startAllMicroservices();
    await orders.init();
  });

  afterAll(async () => {
    await orders?.close();
    await h?.close();
    const nc = await connect({ servers: testNatsUrl() });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(stream.name).catch(() => undefined);
    await jsm.consumers.delete('CONNECTIONS', readModel.durable).catch(() => undefined);
    await nc.close();
    await dropSchema(h.schema);
    await dropSchema(ordersSchema);
  });

  it('lists a parked message with its error, re-drives it once fixed, and refuses an unknown service', async () => {
    await orders.get(MessagePublisher).publishJson(`test.${id}.thing`, { name: 'order-42' }, { messageId: `${id}-42` });
    const parked = await waitFor(async () => {
      const res = await h.api('GET', `/api/v1/services/orders/parked-messages?consumer=${consumer.durable}`);
      return res.status === 200 && (res.body as any[]).length > 0 ? (res.body as any[]) : undefined;
    });
    expect(parked[0]).toMatchObject({ consumer: consumer.durable, messageId: `${id}-42`, error: 'Tiny refused order-42', errorKind: 'business', attempts: 1 });

    Refuser.fixed = true;
    const redrive = await h.api('POST', `/api/v1/services/orders/parked-messages/${parked[0].id}/redrive`);
    expect(redrive).toEqual({ status: 200, body: { id: parked[0].id, redriven: true } });
    await waitFor(() => Refuser.handled.length === 1);
    const after = await h.api('GET', `/api/v1/services/orders/parked-messages?consumer=${consumer.durable}`);
    expect(after.body).toEqual([]);
    const withHistory = await h.api('GET', `/api/v1/services/orders/parked-messages?consumer=${consumer.durable}&includeRedriven=true`);
    expect((withHistory.body as any[])[0]).toMatchObject({ id: parked[0].id, redriveCount: 1 });

    expect((await h.api('GET', '/api/v1/services/billing/parked-messages')).status).toBe(400);
  });
});
