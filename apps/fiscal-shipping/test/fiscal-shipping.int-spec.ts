import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { INestApplication } from '@nestjs/common';
import { OrderEvents, type OrderImportedV1 } from '@hub/contracts';
import { dropSchema, sql, testNatsUrl, uniqueSuffix, waitFor } from '@hub/testing';
import { createSandboxConnection, sandboxJson, SELLER, startGateway, startService, withTinyShapes, type GatewayHarness } from '../../gateway/test/gateway-harness';
import { OrdersAppModule } from '../../orders/src/app.module';
import { FiscalShippingAppModule } from '../src/app.module';
import { importedOrders, type Bound } from './imported-orders';

/** Gateway, orders and fiscal-shipping in-process, against real PostgreSQL, NATS and the sandbox sending Tiny's notifications. */
describe('invoices and tracking (Tiny → Ideris) through the running services', () => {
  let h: GatewayHarness;
  let orders: INestApplication;
  let fiscal: INestApplication;
  let nc: NatsConnection;
  let connectionId: string;
  let webhookUrls: Record<string, string>;
  let bound: Bound[];
  const ordersSchema = uniqueSuffix('orders');
  const fiscalSchema = uniqueSuffix('fiscal');

  const sandbox = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => sandboxJson(h, method, path, body, headers);
  const tinyScript = async (script: string, fields: Record<string, string>) => {
    const res = await fetch(`${h.sandboxUrl}/tiny/api2/${script}`, { method: 'POST', body: new URLSearchParams({ token: SELLER.tinyToken, formato: 'json', ...fields }) });
    return (await res.json()) as any;
  };
  const iderisCalls = async (endpoint: string): Promise<number> => (await sandbox('GET', '/control/calls')).ideris?.[SELLER.iderisPrivateKey]?.endpoints[endpoint]?.calls ?? 0;
  const fiscalView = (order: Bound) => h.api('GET', `/api/v1/connections/${connectionId}/fiscal/orders/${order.iderisOrderId}`);
  const delivered = async (kind: string, tinyOrderId: string): Promise<Record<string, unknown>> => {
    const deliveries = await sandbox('GET', `/control/tiny/webhooks/deliveries?token=${encodeURIComponent(SELLER.tinyToken)}&kind=${kind}`);
    const attempt = deliveries.attempts.find((a: { body: { dados: { idVendaTiny: unknown } } }) => String(a.body.dados.idVendaTiny) === tinyOrderId);
    if (!attempt) throw new Error(`no ${kind} delivered for ${tinyOrderId}`);
    return attempt.body;
  };
  /** The same notification again, in different bytes, so the gateway's content de-duplication lets it through. */
  const postAgain = async (kind: string, body: Record<string, unknown>) => {
    const res = await fetch(webhookUrls[kind]!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body, null, 2) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { duplicate: boolean }).duplicate).toBe(false);
  };

  beforeAll(async () => {
    h = await startGateway();
    orders = await startService(h, (config) => OrdersAppModule.forConfig(config), ordersSchema, 'orders');
    fiscal = await startService(h, (config) => FiscalShippingAppModule.forConfig(config, { schedulerTickMs: 200, recheckDelaysMs: [300] }), fiscalSchema, 'fiscal-shipping');
    nc = await connect({ servers: testNatsUrl() });

    const created = await createSandboxConnection(h);
    connectionId = created.id;
    webhookUrls = Object.fromEntries(Object.entries(created.webhookUrls as Record<string, string>).map(([kind, url]) => [kind, url.replace('http://hub.example.test', h.url)]));
    await sandbox('POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Mercado Livre' });
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/activate`)).status).toBe(200);
    await sandbox('POST', '/control/tiny/webhooks/settings', { timeScale: 0.001 });
    await sandbox('POST', '/control/tiny/webhooks', { token: SELLER.tinyToken, idEcommerce: 777, urls: { nota_fiscal: webhookUrls['nota_fiscal'], rastreio: webhookUrls['rastreio'] } });
    // Every notification is delivered twice (the gateway drops the byte-identical second copy).
    await sandbox('POST', '/control/tiny/webhooks/faults', { token: SELLER.tinyToken, duplicateRate: 1 });

    bound = await importedOrders(h, fiscalSchema, connectionId, 4);
  });

  afterAll(async () => {
    await nc?.close();
    await fiscal?.close();
    await orders?.close();
    await h?.close();
    await dropSchema(h.schema);
    await dropSchema(ordersSchema);
    await dropSchema(fiscalSchema);
  });

  it('sends an invoice issued in Tiny to the Ideris order exactly once, however often it is notified', async () => {
    const order = bound[0]!;
    const invoice = await sandbox('POST', `/control/tiny/orders/${order.tinyOrderId}/invoice`, { token: SELLER.tinyToken });
    await waitFor(async () => (await fiscalView(order)).body.invoices?.[0]?.state === 'sent', 30_000, 200);
    await postAgain('nota_fiscal', await delivered('nota_fiscal', order.tinyOrderId));
    await waitFor(async () => (await fiscalView(order)).body.invoices[0].notifications === 2, 15_000, 200);

    const view = (await fiscalView(order)).body;
    expect(view.invoices).toHaveLength(1);
    expect(view.invoices[0]).toMatchObject({
      tinyInvoiceId: String(invoice.id),
      state: 'sent',
      number: invoice.numero,
      series: invoice.serie,
      accessKey: invoice.chaveAcesso,
      danfeUrl: expect.stringMatching(/^https:\/\/tiny\.com\.br\/doc\.view\.php\?id=/),
      tinySituation: 6,
      sends: 1,
      iderisAnswer: { orderId: order.iderisOrderId, key: invoice.chaveAcesso, number: invoice.numero },
    });
    expect(await iderisCalls('order/invoice')).toBe(1);

    const resend = await h.api('POST', `/api/v1/connections/${connectionId}/fiscal/orders/${order.iderisOrderId}/resend-invoice`);
    expect(resend).toMatchObject({ status: 200, body: { sentNow: false, alreadySent: true, result: { accessKey: invoice.chaveAcesso } } });
    expect(await iderisCalls('order/invoice')).toBe(1);
  });

  it('keeps an invoice that arrives before its order is known here, and sends it once the order is', async () => {
    const order = bound[1]!;
    // The order's import has not reached fiscal-shipping yet (its event lags behind the invoice).
    await sql(`DELETE FROM "${fiscalSchema}".order_binding WHERE connection_id = $1 AND ideris_order_id = $2`, [connectionId, order.iderisOrderId]);
    const before = await iderisCalls('order/invoice');
    const invoice = await sandbox('POST', `/control/tiny/orders/${order.tinyOrderId}/invoice`, { token: SELLER.tinyToken });
    const invoiceRow = async () => (await sql<{ state: string; reason: string }>(`SELECT state, reason FROM "${fiscalSchema}".invoice_sync WHERE connection_id = $1 AND tiny_invoice_id = $2`, [connectionId, String(invoice.id)]))[0];
    await waitFor(async () => (await invoiceRow())?.state === 'waiting_binding', 15_000, 100);
    expect((await invoiceRow())!.reason).toMatch(new RegExp(`no order imported by this hub matches Tiny order ${order.tinyOrderId}`));
    expect((await fiscalView(order)).status).toBe(404);

    const imported: OrderImportedV1 = { connectionId, iderisOrderId: order.iderisOrderId, tinyOrderId: order.tinyOrderId, marketplaceOrderCode: order.code, skus: [] };
    await jetstream(nc).publish(OrderEvents.imported.subject, JSON.stringify(imported), { msgID: `late-${order.iderisOrderId}-${Date.now()}` });
    await waitFor(async () => (await fiscalView(order)).body.invoices?.[0]?.state === 'sent', 30_000, 200);
    expect((await fiscalView(order)).body.invoices[0]).toMatchObject({ accessKey: invoice.chaveAcesso, sends: 1 });
    expect(await iderisCalls('order/invoice')).toBe(before + 1);
  });

  it('sends tracking once the Correios PLP is concluded, once, and tries to leave the marker in Tiny', async () => {
    const order = bound[0]!;
    const before = await iderisCalls('order/tracking');
    const grouping = await sandbox('POST', '/control/tiny/groupings', { token: SELLER.tinyToken, orderIds: [Number(order.tinyOrderId)], formaEnvio: 'C' });
    await sandbox('POST', `/control/tiny/groupings/${grouping.id}/conclude`, { token: SELLER.tinyToken });
    await waitFor(async () => (await fiscalView(order)).body.tracking?.marker?.state === 'marked', 30_000, 200);
    await postAgain('rastreio', await delivered('rastreio', order.tinyOrderId));
    await waitFor(async () => (await fiscalView(order)).body.tracking.notifications === 2, 15_000, 200);

    const { tracking } = (await fiscalView(order)).body;
    expect(tracking).toMatchObject({
      state: 'sent',
      trackingCode: expect.stringMatching(/^QB\d{9}BR$/),
      trackingUrl: expect.stringContaining('rastreamento.correios.com.br'),
      carrier: 'Correios',
      shippingMethod: 'Correios',
      groupingId: String(grouping.id),
      groupingType: 'PLP',
      sends: 1,
    });
    expect(tracking.iderisAnswer).toMatchObject({ orderId: order.iderisOrderId, trackingCode: tracking.trackingCode, carrier: 'Correios' });
    expect(await iderisCalls('order/tracking')).toBe(before + 1);
    // The marker the seller sees in Tiny, where the native integration shows "tracking sent".
    const tinyOrder = (await sandbox('GET', `/control/tiny/state?token=${encodeURIComponent(SELLER.tinyToken)}`)).orders.find((o: { id: number }) => String(o.id) === order.tinyOrderId);
    expect(tinyOrder.marcadores).toEqual(['Rastreio enviado ao Ideris']);

    const again = await h.api('POST', `/api/v1/connections/${connectionId}/fiscal/orders/${order.iderisOrderId}/send-tracking`);
    expect(again).toMatchObject({ status: 200, body: { sentNow: false, alreadySent: true, result: { trackingCode: tracking.trackingCode } } });
    expect(await iderisCalls('order/tracking')).toBe(before + 1);
  });

  it('shows why tracking without a carrier waits, and sends it once a carrier and a concluded coleta are set', async () => {
    const order = bound[2]!;
    const before = await iderisCalls('order/tracking');
    await sandbox('POST', `/control/tiny/orders/${order.tinyOrderId}/invoice`, { token: SELLER.tinyToken });
    // The seller types a tracking code with a shipping method that is no carrier.
    const answer = await tinyScript('cadastrar.codigo.rastreamento.pedido.php', { id: order.tinyOrderId, codigoRastreamento: 'MANUAL123', formaEnvio: 'X' });
    expect(answer.retorno.status).toBe('OK');
    await waitFor(async () => (await fiscalView(order)).body.tracking?.reasonCode === 'no-carrier', 30_000, 200);
    expect((await fiscalView(order)).body.tracking).toMatchObject({ state: 'waiting', reason: expect.stringMatching(/no carrier \(shipping method X\)/) });
    const refused = await h.api('POST', `/api/v1/connections/${connectionId}/fiscal/orders/${order.iderisOrderId}/send-tracking`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/no carrier/);

    const grouping = await sandbox('POST', '/control/tiny/groupings', { token: SELLER.tinyToken, orderIds: [Number(order.tinyOrderId)], formaEnvio: 'T', transportadora: 'Jadlog' });
    // No notification for a grouping: the scheduler's re-check finds the new reason.
    await waitFor(async () => (await fiscalView(order)).body.tracking.reasonCode === 'grouping-not-concluded', 15_000, 100);
    expect((await fiscalView(order)).body.tracking.reason).toMatch(new RegExp(`coleta ${grouping.id} is not concluded`));
    expect(await iderisCalls('order/tracking')).toBe(before);

    await sandbox('POST', `/control/tiny/groupings/${grouping.id}/conclude`, { token: SELLER.tinyToken });
    await waitFor(async () => (await fiscalView(order)).body.tracking.state === 'sent', 30_000, 200);
    expect((await fiscalView(order)).body.tracking).toMatchObject({ trackingCode: expect.stringMatching(/^TR\d+$/), carrier: 'Jadlog', shippingMethod: 'Transportadora', groupingType: 'Coleta', sends: 1 });
    await waitFor(async () => (await fiscalView(order)).body.tracking.marker.state !== 'pending', 10_000, 100);
    expect(await iderisCalls('order/tracking')).toBe(before + 1);
  });

  it('sends an invoice notified as 1.0.0 senders do, without idNotaFiscalTiny (found through its order in Tiny), once', async () => {
    const order = bound[3]!;
    const before = await iderisCalls('order/invoice');
    await withTinyShapes(h, SELLER.tinyToken, { invoiceNotification: 'legacy-1.0.0' }, async () => {
      const invoice = await sandbox('POST', `/control/tiny/orders/${order.tinyOrderId}/invoice`, { token: SELLER.tinyToken });
      await waitFor(async () => (await fiscalView(order)).body.invoices?.[0]?.state === 'sent', 30_000, 200);
      const notified = await delivered('nota_fiscal', order.tinyOrderId);
      expect(notified).toMatchObject({ versao: '1.0.0', dados: { numero: String(invoice.numero), chaveAcesso: invoice.chaveAcesso } });
      expect((notified['dados'] as Record<string, unknown>)['idNotaFiscalTiny']).toBeUndefined();
      expect((await fiscalView(order)).body.invoices[0]).toMatchObject({ tinyInvoiceId: String(invoice.id), accessKey: invoice.chaveAcesso, sends: 1 });
      expect(await iderisCalls('order/invoice')).toBe(before + 1);
    });
  });
});
