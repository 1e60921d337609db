import type { INestApplication } from '@nestjs/common';
import { dropSchema, sql, uniqueSuffix, waitFor } from '@hub/testing';
import { createSandboxConnection, sandboxJson, SELLER, startGateway, startService, type GatewayHarness } from '../../gateway/test/gateway-harness';
import { OrdersAppModule } from '../src/app.module';

/** The orders flow switched off and on again for one connection, through the running gateway and orders service. */
describe('per-flow switch: orders', () => {
  let h: GatewayHarness;
  let orders: INestApplication;
  let connectionId: string;
  const ordersSchema = uniqueSuffix('orders_flows');
  const discovered = async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${ordersSchema}".order_sync WHERE connection_id = $1`, [connectionId]))[0]!.n;
  const switchOrders = async (on: boolean) => {
    const res = await h.api('PATCH', `/api/v1/connections/${connectionId}`, { settings: { flows: { orders: on } } });
    expect(res.status).toBe(200);
    await waitFor(async () => (await sql(`SELECT 1 FROM "${ordersSchema}".connection_view WHERE id = $1 AND (settings->'flows'->>'orders') = $2`, [connectionId, String(on)])).length === 1, 15_000, 100);
  };

  beforeAll(async () => {
    h = await startGateway();
    orders = await startService(h, OrdersAppModule.forConfig, ordersSchema, 'orders');
    connectionId = (await createSandboxConnection(h, uniqueSuffix('flows-seller'))).id;
    await sandboxJson(h, 'POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Mercado Livre' });
    // Switched off before the first poll: the poller must never look at this connection until it is on.
    const created = await h.api('PATCH', `/api/v1/connections/${connectionId}`, { settings: { flows: { orders: false } } });
    expect(created.status).toBe(200);
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/activate`)).status).toBe(200);
    await waitFor(async () => (await sql(`SELECT 1 FROM "${ordersSchema}".connection_view WHERE id = $1 AND situation = 'active'`, [connectionId])).length === 1, 15_000, 100);
  });

  afterAll(async () => {
    await orders?.close();
    await h?.close();
    await dropSchema(h.schema);
    await dropSchema(ordersSchema);
  });

  it('does not poll Ideris for the connection while orders are off, and imports what was sold meanwhile once on', async () => {
    const created: { code: string }[] = await sandboxJson(h, 'POST', '/control/ideris/orders', { privateKey: SELLER.iderisPrivateKey, count: 3 });
    // The busy poll interval is 3 s: a poller that ignored the switch would have found them by now.
    await new Promise((r) => setTimeout(r, 5000));
    expect(await discovered()).toBe(0);
    expect(await sql(`SELECT 1 FROM "${ordersSchema}".poll_state WHERE connection_id = $1 AND watermark IS NOT NULL`, [connectionId])).toEqual([]);

    await switchOrders(true);
    await waitFor(async () => (await sql(`SELECT 1 FROM "${ordersSchema}".order_sync WHERE connection_id = $1 AND state = 'imported'`, [connectionId])).length === 3, 30_000, 200);
    const inTiny = (await sandboxJson(h, 'GET', `/control/tiny/state?token=${encodeURIComponent(SELLER.tinyToken)}`)).orders as { numeroEcommerce?: string }[];
    for (const order of created) expect(inTiny.filter((o) => o.numeroEcommerce === order.code)).toHaveLength(1);
  });
});
