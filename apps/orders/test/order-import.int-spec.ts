import type { INestApplication } from '@nestjs/common';
import { Transport } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { EncryptionConfig, loadConfig } from '@hub/platform';
import { dropSchema, sql, testNatsUrl, uniqueSuffix, waitFor } from '@hub/testing';
import { createSandboxConnection, gatewayEnv, SELLER, startGateway, type GatewayHarness } from '../../gateway/test/gateway-harness';
import { OrdersAppModule } from '../src/app.module';

/** The gateway and the orders service in-process, against real PostgreSQL, NATS and the sandbox over HTTP. */
describe('order import (Ideris → Tiny) through the running services', () => {
  let h: GatewayHarness;
  let orders: INestApplication;
  let connectionId: string;
  const ordersSchema = uniqueSuffix('orders');

  const sandbox = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${h.sandboxUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const tinyOrders = async (): Promise<{ numeroEcommerce?: string }[]> => {
    const state = await sandbox('GET', `/control/tiny/state?token=${encodeURIComponent(SELLER.tinyToken)}`);
    return state.orders;
  };
  const orderStates = async () => sql<{ state: string; n: number }>(`SELECT state, count(*)::int AS n FROM "${ordersSchema}".order_sync GROUP BY state`);

  beforeAll(async () => {
    h = await startGateway();
    const config = loadConfig(EncryptionConfig, { ...gatewayEnv(ordersSchema), HUB_ENCRYPTION_KEY: h.config.HUB_ENCRYPTION_KEY });
    orders = (await Test.createTestingModule({ imports: [OrdersAppModule.forConfig(config)] }).compile()).createNestApplication({ logger: false });
    orders.connectMicroservice({ transport: Transport.NATS, options: { servers: [testNatsUrl()], queue: 'orders' } });
    await orders.startAllMicroservices();
    await orders.init();
    const created = await createSandboxConnection(h);
    connectionId = created.id;
    await sandbox('POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Mercado Livre' });
    await sandbox('POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Shopee' });
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/activate`)).status).toBe(200);
  });

  afterAll(async () => {
    await orders?.close();
    await h?.close();
    await dropSchema(h.schema);
    await dropSchema(ordersSchema);
  });

  it('imports every new Ideris order into Tiny exactly once, and shows it through the admin API', async () => {
    const created: { id: number; code: string }[] = await sandbox('POST', '/control/ideris/orders', { privateKey: SELLER.iderisPrivateKey, count: 12 });
    await waitFor(async () => (await orderStates()).find((s) => s.state === 'imported')?.n === 12, 30_000, 200);
    const inTiny = await tinyOrders();
    for (const order of created) expect(inTiny.filter((o) => o.numeroEcommerce === order.code)).toHaveLength(1);

    const list = await h.api('GET', `/api/v1/connections/${connectionId}/orders?state=imported`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(12);
    const one = await h.api('GET', `/api/v1/connections/${connectionId}/orders/${created[0]!.id}`);
    expect(one.body).toMatchObject({ state: 'imported', workStatus: 'done', marketplaceOrderCode: created[0]!.code, tinyOrderId: expect.any(String) });
    expect(one.body.history.map((e: { kind: string }) => e.kind)).toEqual(['discovered', 'created']);
    const polling = await h.api('GET', `/api/v1/connections/${connectionId}/orders-polling`);
    expect(polling.body.polls).toBeDefined();
  });

  it('binds instead of creating again when Tiny already holds the order (a lost answer, then a retry)', async () => {
    const [order] = await sandbox('POST', '/control/ideris/orders', { privateKey: SELLER.iderisPrivateKey, count: 1 });
    // The first pedido.incluir succeeds in Tiny but its answer is lost (timeout), so the job retries.
    await sandbox('POST', '/control/faults', { system: 'tiny', account: SELLER.tinyToken, endpoint: 'pedido.incluir', times: 1, commitThenDrop: true });
    await waitFor(async () => (await h.api('GET', `/api/v1/connections/${connectionId}/orders/${order.id}`)).body.state === 'imported', 60_000, 250);
    expect((await tinyOrders()).filter((o) => o.numeroEcommerce === order.code)).toHaveLength(1);
  });
});
