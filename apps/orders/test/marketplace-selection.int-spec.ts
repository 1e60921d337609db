import type { INestApplication } from '@nestjs/common';
import { dropSchema, sql, uniqueSuffix, waitFor } from '@hub/testing';
import { createSandboxConnection, sandboxJson, SELLER, startGateway, startService, type GatewayHarness } from '../../gateway/test/gateway-harness';
import { OrdersAppModule } from '../src/app.module';

/**
 * Per-marketplace selection through the gateway, the orders service and the sandbox: two Ideris marketplace accounts,
 * one off → its orders are skipped with marketplace_not_selected; turning it on imports them; a new account imports
 * nothing until chosen (the connection keeps the default newMarketplaceAccounts: skip).
 */
describe('per-marketplace selection', () => {
  let h: GatewayHarness;
  let orders: INestApplication;
  let connectionId: string;
  let mercadoLivre: number;
  let shopee: number;
  const ordersSchema = uniqueSuffix('orders');

  const sandbox = (method: string, path: string, body?: unknown) => sandboxJson(h, method, path, body);
  const stateOf = async (iderisOrderId: number): Promise<string | undefined> =>
    (await sql<{ state: string }>(`SELECT state FROM "${ordersSchema}".order_sync WHERE ideris_order_id = $1`, [iderisOrderId]))[0]?.state;
  const tinyIntegrationIdOf = async (iderisOrderId: number): Promise<unknown> =>
    (await h.api('GET', `/api/v1/connections/${connectionId}/orders/${iderisOrderId}`)).body.history.find((entry: { kind: string }) => entry.kind === 'created')?.detail.tinyIntegrationId;
  const ordersIn = (marketplaceId: number, count: number): Promise<Array<{ id: number; code: string }>> =>
    sandbox('POST', '/control/ideris/orders', { privateKey: SELLER.iderisPrivateKey, count, marketplaceId });

  beforeAll(async () => {
    h = await startGateway();
    orders = await startService(h, OrdersAppModule.forConfig, ordersSchema, 'orders');
    connectionId = (await createSandboxConnection(h)).id;
    // The harness imports every account; this suite keeps the product's default.
    const patched = await h.api('PATCH', `/api/v1/connections/${connectionId}`, { settings: { newMarketplaceAccounts: 'skip' } });
    expect(patched.status).toBe(200);
    mercadoLivre = (await sandbox('POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Mercado Livre', name: 'LOJA_ML' })).id;
    shopee = (await sandbox('POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Shopee', name: 'LOJA_SHOPEE' })).id;
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/activate`)).status).toBe(200);
    await waitFor(async () => {
      const rows = await sql<{ situation: string; settings: { newMarketplaceAccounts?: string } }>(`SELECT situation, settings FROM "${ordersSchema}".connection_view WHERE id = $1`, [connectionId]);
      return rows[0]?.situation === 'active' && rows[0].settings.newMarketplaceAccounts === 'skip';
    }, 15_000, 100);
  });

  afterAll(async () => {
    await orders?.close();
    await h?.close();
    await dropSchema(h.schema);
    await dropSchema(ordersSchema);
  });

  it('lists the accounts as not chosen, imports the one turned on, skips the one turned off, and imports the skipped ones when it is turned on', async () => {
    const listed = await h.api('GET', `/api/v1/connections/${connectionId}/marketplaces`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      newAccounts: 'skip',
      items: [
        { accountId: mercadoLivre, marketplace: 'Mercado Livre', name: 'LOJA_ML', state: 'not_chosen', tinyIntegrationId: null, firstSeenAt: expect.any(String) },
        { accountId: shopee, marketplace: 'Shopee', name: 'LOJA_SHOPEE', state: 'not_chosen', tinyIntegrationId: null, firstSeenAt: expect.any(String) },
      ],
    });
    const on = await h.api('PUT', `/api/v1/connections/${connectionId}/marketplaces/${mercadoLivre}`, { enabled: true, tinyIntegrationId: 4242 });
    expect(on).toMatchObject({ status: 200, body: { accountId: mercadoLivre, state: 'enabled', tinyIntegrationId: 4242, requeued: 0 } });
    const off = await h.api('PUT', `/api/v1/connections/${connectionId}/marketplaces/${shopee}`, { enabled: false });
    expect(off).toMatchObject({ status: 200, body: { state: 'disabled', tinyIntegrationId: null } });
    expect((await h.api('PUT', `/api/v1/connections/${connectionId}/marketplaces/${shopee}`, { enabled: 'yes' })).status).toBe(400);
    expect((await h.api('PUT', `/api/v1/connections/${connectionId}/marketplaces/999999`, { enabled: true })).status).toBe(404);

    const imported = await ordersIn(mercadoLivre, 2);
    const skipped = await ordersIn(shopee, 2);
    await waitFor(async () => (await Promise.all(imported.map((order) => stateOf(order.id)))).every((state) => state === 'imported'), 30_000, 200);
    await waitFor(async () => (await Promise.all(skipped.map((order) => stateOf(order.id)))).every((state) => state === 'skipped'), 30_000, 200);
    const list = await h.api('GET', `/api/v1/connections/${connectionId}/orders?state=skipped`);
    expect(list.body.total).toBe(2);
    expect(list.body.orders).toEqual(expect.arrayContaining(skipped.map((order) => expect.objectContaining({ iderisOrderId: order.id, state: 'skipped', reasonCode: 'marketplace_not_selected', iderisAccountId: shopee }))));
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/orders/${skipped[0]!.id}/reprocess`)).status).toBe(409);
    const tinyBefore = (await sandbox('GET', `/control/tiny/state?token=${encodeURIComponent(SELLER.tinyToken)}`)).orders as Array<{ numeroEcommerce?: string }>;
    expect(tinyBefore.filter((order) => skipped.some((one) => one.code === order.numeroEcommerce))).toHaveLength(0);

    const turnedOn = await h.api('PUT', `/api/v1/connections/${connectionId}/marketplaces/${shopee}`, { enabled: true });
    expect(turnedOn.body).toMatchObject({ state: 'enabled', requeued: 2 });
    await waitFor(async () => (await Promise.all(skipped.map((order) => stateOf(order.id)))).every((state) => state === 'imported'), 30_000, 200);
    const tinyAfter = (await sandbox('GET', `/control/tiny/state?token=${encodeURIComponent(SELLER.tinyToken)}`)).orders as Array<{ numeroEcommerce?: string }>;
    for (const order of [...imported, ...skipped]) expect(tinyAfter.filter((one) => one.numeroEcommerce === order.code)).toHaveLength(1);
    // Each account's orders went to Tiny under its own integration id, or the connection's (777) when it has none.
    expect(await tinyIntegrationIdOf(imported[0]!.id)).toBe(4242);
    expect(await tinyIntegrationIdOf(skipped[0]!.id)).toBe(777);
    const history = (await h.api('GET', `/api/v1/connections/${connectionId}/orders/${skipped[0]!.id}`)).body.history.map((entry: { kind: string }) => entry.kind);
    expect(history).toEqual(['skipped', 'requeued', 'created']);
  });

  it('shows an account that appears later as not chosen and imports nothing from it', async () => {
    const amazon = (await sandbox('POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Amazon', name: 'LOJA_AMZ' })).id as number;
    const [order] = await ordersIn(amazon, 1);
    await waitFor(async () => (await stateOf(order!.id)) === 'skipped', 30_000, 200);
    const listed = await h.api('GET', `/api/v1/connections/${connectionId}/marketplaces`);
    expect(listed.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ accountId: amazon, marketplace: 'Amazon', state: 'not_chosen' })]));
    const one = await h.api('GET', `/api/v1/connections/${connectionId}/orders/${order!.id}`);
    expect(one.body).toMatchObject({ state: 'skipped', reasonCode: 'marketplace_not_selected', reason: expect.stringContaining('has not been chosen yet') });
  });

  it('enables every account of a connection that imported orders before selection existed, the first time it lists them', async () => {
    // As after the upgrade: orders imported, no account recorded yet.
    await sql(`DELETE FROM "${ordersSchema}".marketplace_account WHERE connection_id = $1`, [connectionId]);
    const listed = await h.api('GET', `/api/v1/connections/${connectionId}/marketplaces`);
    expect(listed.body.items.length).toBeGreaterThanOrEqual(3);
    expect(new Set(listed.body.items.map((item: { state: string }) => item.state))).toEqual(new Set(['enabled']));
  });
});
