import type { INestApplication } from '@nestjs/common';
import { OrderEvents } from '@hub/contracts';
import { metricsRegistry } from '@hub/platform';
import { dropSchema, sql, uniqueSuffix, waitFor } from '@hub/testing';
import { createSandboxConnection, sandboxJson, SELLER, startGateway, startService, type GatewayHarness } from '../../gateway/test/gateway-harness';
import { OrdersAppModule } from '../src/app.module';
import { OrderImportService } from '../src/import/order-import.service';

/**
 * What one failed attempt means for an order (the runner and the order's row decide it the same way), and that one
 * order is never imported twice side by side in one process. Tiny calls are counted in the sandbox's own journal.
 */
describe('order import: failed attempts and concurrent deliveries', () => {
  let h: GatewayHarness;
  let orders: INestApplication;
  let connectionId: string;
  const ordersSchema = uniqueSuffix('orders_fail');

  const order = async (iderisOrderId: number) => (await h.api('GET', `/api/v1/connections/${connectionId}/orders/${iderisOrderId}`)).body;
  const historyKinds = async (iderisOrderId: number): Promise<string[]> => ((await order(iderisOrderId)).history ?? []).map((e: { kind: string }) => e.kind);
  const tinyCreates = async (): Promise<number> => {
    const calls = await sandboxJson(h, 'GET', '/control/calls');
    return calls.tiny[SELLER.tinyToken]?.endpoints['pedido.incluir']?.calls ?? 0;
  };
  const importJobs = async (iderisOrderId: number): Promise<number> =>
    (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${ordersSchema}".outbox_message WHERE subject = $1 AND (payload->>'iderisOrderId')::bigint = $2`, [
      OrderEvents.importRequested.subject,
      iderisOrderId,
    ]))[0]!.n;
  const fault = (spec: object) => sandboxJson(h, 'POST', '/control/faults', spec);
  const newOrder = async (): Promise<{ id: number; code: string }> => (await sandboxJson(h, 'POST', '/control/ideris/orders', { privateKey: SELLER.iderisPrivateKey, count: 1 }))[0];

  beforeAll(async () => {
    h = await startGateway();
    orders = await startService(h, OrdersAppModule.forConfig, ordersSchema, 'orders');
    connectionId = (await createSandboxConnection(h, uniqueSuffix('failures-seller'))).id;
    await sandboxJson(h, 'POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Mercado Livre' });
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/activate`)).status).toBe(200);
  });

  afterEach(async () => {
    await sandboxJson(h, 'DELETE', '/control/faults');
  });

  afterAll(async () => {
    await orders?.close();
    await h?.close();
    await dropSchema(h.schema);
    await dropSchema(ordersSchema);
  });

  it('leaves an order queued with an attempt-failed entry after Tiny maintenance on attempt 1, then imports it', async () => {
    await fault({ system: 'tiny', account: SELLER.tinyToken, endpoint: 'pedido.incluir', tinyCodigoErro: 99, times: 2 });
    const created = await newOrder();
    await waitFor(async () => (await historyKinds(created.id)).some((k) => k === 'attempt-failed' || k === 'gave-up'), 30_000, 100);

    const afterFirst = await order(created.id);
    expect(afterFirst).toMatchObject({ state: 'discovered', workStatus: 'queued' });
    expect(afterFirst.history.map((e: { kind: string }) => e.kind)).not.toContain('gave-up');
    expect(afterFirst.history.find((e: { kind: string }) => e.kind === 'attempt-failed').detail).toMatchObject({ attempt: 1, kind: 'maintenance' });

    await waitFor(async () => (await order(created.id)).state === 'imported', 60_000, 250);
    const tiny = (await sandboxJson(h, 'GET', `/control/tiny/state?token=${encodeURIComponent(SELLER.tinyToken)}`)).orders as { numeroEcommerce?: string }[];
    expect(tiny.filter((o) => o.numeroEcommerce === created.code)).toHaveLength(1);
    expect(await historyKinds(created.id)).toEqual(['discovered', 'attempt-failed', 'attempt-failed', 'created']);
  });

  it('queues no second job when an operator reprocesses an order whose job is still retrying', async () => {
    await fault({ system: 'tiny', account: SELLER.tinyToken, endpoint: 'pedido.incluir', tinyCodigoErro: 99, times: 2 });
    const created = await newOrder();
    await waitFor(async () => (await historyKinds(created.id)).some((k) => k === 'attempt-failed' || k === 'gave-up'), 30_000, 100);

    // The job is still in JetStream (retried with the consumer's delays): the reprocess is refused, no job is added.
    const reprocess = await h.api('POST', `/api/v1/connections/${connectionId}/orders/${created.id}/reprocess`);
    expect(await importJobs(created.id)).toBe(1);
    expect(reprocess.status).toBe(409);

    // The flow's metrics see it waiting for its next attempt, and how old it is.
    const metrics = await metricsRegistry.metrics();
    expect(metrics).toMatch(/hub_work_items\{service="orders",flow="orders",state="queued"\} 1\n/);
    expect(Number(/hub_work_oldest_open_seconds\{service="orders",flow="orders"\} ([\d.]+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    await waitFor(async () => (await order(created.id)).state === 'imported', 60_000, 250);
  });

  it('leaves an order queued after an Ideris authentication failure on attempt 1', async () => {
    // A 401, then a 401 again after the client logs in anew: the attempt fails with an auth error.
    await fault({ system: 'ideris', account: SELLER.iderisPrivateKey, endpoint: 'order', httpStatus: 401, times: 2 });
    const created = await newOrder();
    await waitFor(async () => (await historyKinds(created.id)).some((k) => k === 'attempt-failed' || k === 'gave-up'), 30_000, 100);

    const afterFirst = await order(created.id);
    expect(afterFirst.workStatus).toBe('queued');
    expect(afterFirst.history.find((e: { kind: string }) => e.kind === 'attempt-failed').detail).toMatchObject({ attempt: 1, kind: 'auth' });
    await waitFor(async () => (await order(created.id)).state === 'imported', 60_000, 250);
    expect(await historyKinds(created.id)).not.toContain('gave-up');
  });

  it('sends one pedido.incluir when two imports of one order run at once in one process', async () => {
    // Each create takes a while, so the deliveries overlap: the job and two more imports (as an operator's reprocess would).
    await fault({ system: 'tiny', account: SELLER.tinyToken, endpoint: 'pedido.incluir', latencyMs: 1500, times: 3 });
    const before = await tinyCreates();
    const created = await newOrder();
    await waitFor(async () => (await sql(`SELECT 1 FROM "${ordersSchema}".order_sync WHERE connection_id = $1 AND ideris_order_id = $2`, [connectionId, created.id])).length === 1, 30_000, 50);

    const importer = orders.get(OrderImportService);
    await Promise.allSettled([importer.import(connectionId, created.id, 'test'), importer.import(connectionId, created.id, 'test')]);
    await waitFor(async () => (await order(created.id)).state === 'imported', 60_000, 250);

    expect(await tinyCreates()).toBe(before + 1);
    const tiny = (await sandboxJson(h, 'GET', `/control/tiny/state?token=${encodeURIComponent(SELLER.tinyToken)}`)).orders as { numeroEcommerce?: string }[];
    expect(tiny.filter((o) => o.numeroEcommerce === created.code)).toHaveLength(1);
  });
});
