import type { INestApplication } from '@nestjs/common';
import { dropSchema, sql, uniqueSuffix, waitFor } from '@hub/testing';
import { FiscalShippingAppModule } from '../../fiscal-shipping/src/app.module';
import { OrdersAppModule } from '../../orders/src/app.module';
import { StatusSyncAppModule } from '../../status-sync/src/app.module';
import { createSandboxConnection, sandboxJson, SELLER, startGateway, startService, type GatewayHarness } from './gateway-harness';

interface Bound {
  iderisOrderId: number;
  tinyOrderId: string;
  code: string;
}

/** One Ideris order imported by the orders service, once fiscal-shipping holds its binding. */
async function importedOrder(h: GatewayHarness, fiscalSchema: string, connectionId: string): Promise<Bound> {
  const [ideris]: { id: number; code: string }[] = await sandboxJson(h, 'POST', '/control/ideris/orders', { privateKey: SELLER.iderisPrivateKey, count: 1 });
  const [binding] = await waitFor(async () => {
    const found = await sql<{ tiny_order_id: string }>(`SELECT tiny_order_id FROM "${fiscalSchema}".order_binding WHERE connection_id = $1`, [connectionId]);
    return found.length ? found : undefined;
  }, 30_000, 200);
  return { iderisOrderId: ideris!.id, code: ideris!.code, tinyOrderId: binding!.tiny_order_id };
}

const CANCELLED_IN_IDERIS = 1012;

/**
 * The dashboard over invoices, tracking and status: gateway, orders, fiscal-shipping and status-sync in-process, the
 * sandbox sending Tiny's notifications.
 */
describe('operator dashboard API over invoices, tracking and status', () => {
  let h: GatewayHarness;
  let orders: INestApplication;
  let fiscal: INestApplication;
  let statusSync: INestApplication;
  let connectionId: string;
  let order: Bound;
  const ordersSchema = uniqueSuffix('orders');
  const fiscalSchema = uniqueSuffix('fiscal');
  const statusSchema = uniqueSuffix('status');
  const fiscalView = () => h.api('GET', `/api/v1/connections/${connectionId}/fiscal/orders/${order.iderisOrderId}`);

  beforeAll(async () => {
    process.env['STATUS_POLL_INTERVAL_MS'] = '500';
    h = await startGateway();
    orders = await startService(h, OrdersAppModule.forConfig, ordersSchema, 'orders');
    fiscal = await startService(h, (config) => FiscalShippingAppModule.forConfig(config, { schedulerTickMs: 200, recheckDelaysMs: [300] }), fiscalSchema, 'fiscal-shipping');
    statusSync = await startService(h, StatusSyncAppModule.forConfig, statusSchema, 'status-sync');
    const created = await createSandboxConnection(h);
    connectionId = created.id;
    const urls = Object.fromEntries(Object.entries(created.webhookUrls as Record<string, string>).map(([kind, url]) => [kind, url.replace('http://hub.example.test', h.url)]));
    await sandboxJson(h, 'POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Mercado Livre' });
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/activate`)).status).toBe(200);
    await sandboxJson(h, 'POST', '/control/tiny/webhooks/settings', { timeScale: 0.001 });
    await sandboxJson(h, 'POST', '/control/tiny/webhooks', { token: SELLER.tinyToken, idEcommerce: 777, urls: { nota_fiscal: urls['nota_fiscal'], rastreio: urls['rastreio'], situacao_pedido: urls['situacao_pedido'] } });
    order = await importedOrder(h, fiscalSchema, connectionId);
    // Invoiced in Tiny, then a tracking code typed with a shipping method that is no carrier: tracking waits.
    await sandboxJson(h, 'POST', `/control/tiny/orders/${order.tinyOrderId}/invoice`, { token: SELLER.tinyToken });
    const res = await fetch(`${h.sandboxUrl}/tiny/api2/cadastrar.codigo.rastreamento.pedido.php`, {
      method: 'POST', body: new URLSearchParams({ token: SELLER.tinyToken, formato: 'json', id: order.tinyOrderId, codigoRastreamento: 'MANUAL123', formaEnvio: 'X' }),
    });
    expect(res.status).toBe(200);
    await waitFor(async () => {
      const view = (await fiscalView()).body;
      return view.tracking?.reasonCode === 'no-carrier' && view.invoices?.[0]?.state === 'sent';
    }, 60_000, 200);
  }, 120_000);

  afterAll(async () => {
    delete process.env['STATUS_POLL_INTERVAL_MS'];
    for (const app of [statusSync, fiscal, orders]) await app?.close();
    await h?.close();
    for (const schema of [h.schema, ordersSchema, fiscalSchema, statusSchema]) await dropSchema(schema);
  });

  it('lists tracking waiting for a carrier with its reason, its timeline, and the invoice as sent', async () => {
    const list = await h.api('GET', `/api/v1/failures?connectionId=${connectionId}&flow=tracking`);
    expect(list.body).toMatchObject({ total: 1, partial: [] });
    const item = list.body.items[0];
    expect(item).toMatchObject({
      flow: 'tracking', status: 'waiting', reasonCode: 'no_carrier', reasonDetail: expect.stringMatching(/no carrier/),
      refs: { tinyOrderId: order.tinyOrderId, marketplaceOrderCode: order.code, iderisOrderId: String(order.iderisOrderId) },
    });
    const detail = await h.api('GET', `/api/v1/failures/item?ref=${encodeURIComponent(item.ref)}`);
    expect(detail.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['received', 'waiting']);
    expect(detail.body.request).toMatchObject({ notice: { trackingCode: 'MANUAL123', shippingMethod: 'X' } });
    expect((await h.api('GET', `/api/v1/failures?connectionId=${connectionId}&flow=invoices`)).body.total).toBe(0);
    const groups = await h.api('GET', `/api/v1/failures/groups?connectionId=${connectionId}&flow=tracking`);
    expect(groups.body.groups).toEqual([expect.objectContaining({ reasonCode: 'no_carrier', count: 1 })]);
  });

  it('finds the invoice by its NF-e access key, and reports the flows in the overview', async () => {
    const accessKey = (await fiscalView()).body.invoices[0].accessKey as string;
    expect(accessKey).toMatch(/^\d{44}$/);
    const search = await h.api('GET', `/api/v1/search?q=${accessKey}`);
    expect(search.body.hits).toEqual([expect.objectContaining({ kind: 'invoice', connectionId, flow: 'invoices', refs: expect.objectContaining({ nfeKey: accessKey, tinyOrderId: order.tinyOrderId }) })]);
    const overview = await h.api('GET', `/api/v1/overview?q=${connectionId}`);
    expect(overview.body.items[0].flows.invoices).toMatchObject({ lastSuccessAt: expect.any(String), failures: 0 });
    expect(overview.body.items[0].flows.tracking).toMatchObject({ failures: 1, pending: 0, state: 'ok' });
  });

  it('retries the waiting tracking through the re-check, and skips the invoice already sent', async () => {
    const tracking = `tracking~${connectionId}~${order.tinyOrderId}`;
    const invoiceKey = (await h.api('GET', `/api/v1/search?q=${order.tinyOrderId}`)).body.hits.find((hit: { flow: string }) => hit.flow === 'invoices').refs.ref;
    // The re-check loop may hold the tracking's claim at that very moment ("running", seen on a loaded machine): asked again then.
    const retried = await waitFor(async () => {
      const answer = await h.api('POST', '/api/v1/failures/retry', { refs: [tracking, invoiceKey] });
      return answer.body.skippedReasons?.running ? undefined : answer;
    }, 10_000, 200);
    expect(retried.body).toMatchObject({ matched: 2, queued: 1, skipped: 1, skippedReasons: { already_done: 1 } });
    // Re-checked at once: still no carrier, still waiting, checked once more.
    const checks = async () => (await fiscalView()).body.tracking.checks as number;
    const before = await checks();
    await waitFor(async () => (await checks()) > before, 20_000, 200);
    expect((await fiscalView()).body.tracking).toMatchObject({ state: 'waiting', reasonCode: 'no-carrier' });
  });

  it('lists a marketplace cancellation after invoicing as needing attention, which a retry does not touch', async () => {
    const jwt: string = await sandboxJson(h, 'POST', '/ideris/login', SELLER.iderisPrivateKey);
    await sandboxJson(h, 'PUT', '/ideris/order', { orderId: order.iderisOrderId, statusId: CANCELLED_IN_IDERIS }, { authorization: `Bearer ${jwt}` });
    const list = await waitFor(async () => {
      const found = await h.api('GET', `/api/v1/failures?connectionId=${connectionId}&flow=status`);
      return found.body.total === 1 ? found : undefined;
    }, 30_000, 250);
    const item = list.body.items[0];
    expect(item).toMatchObject({ flow: 'status', status: 'waiting', outcome: 'needs_attention', reasonCode: 'cancelled_after_invoice', reasonDetail: expect.stringContaining('faturado'), refs: { tinyOrderId: order.tinyOrderId } });
    const detail = await h.api('GET', `/api/v1/failures/item?ref=${encodeURIComponent(item.ref)}`);
    expect(detail.body.timeline.map((e: { kind: string }) => e.kind)).toContain('needs-attention');
    expect((await h.api('POST', '/api/v1/failures/retry', { filter: { connectionId, flow: 'status' } })).body).toMatchObject({ matched: 1, queued: 0, skippedReasons: { not_retryable: 1 } });
    const overview = await h.api('GET', `/api/v1/overview?q=${connectionId}`);
    expect(overview.body.items[0].flows.status).toMatchObject({ failures: 1, poller: { lastSuccessAt: expect.any(String) } });
    expect(overview.body.partial).toEqual(['catalog']);
  });
});
