import type { INestApplication } from '@nestjs/common';
import { dropSchema, uniqueSuffix, waitFor } from '@hub/testing';
import { createSandboxConnection, sandboxJson, SELLER, startGateway, startService, type GatewayHarness } from '../../gateway/test/gateway-harness';
import { OrdersAppModule } from '../../orders/src/app.module';
import { FiscalShippingAppModule } from '../src/app.module';
import { importedOrders, type Bound } from './imported-orders';

interface Receipt {
  at: string;
  kind: 'nota_fiscal' | 'rastreio';
  dedupKey: string | null;
  processed: boolean;
  repeat: boolean;
  sameAsFirst?: boolean;
  orderId: number | null;
  answered: number | 'dropped';
  body: { versao: string; cnpj: string; idEcommerce?: number; tipo: string; dados: Record<string, unknown> };
}

/**
 * The seed's path: invoices and tracking posted in Tiny's own notification format to the two URLs Ideris support gives
 * the seller, and the assumed v3 writes as the other path, chosen per connection. Gateway, orders and fiscal-shipping
 * in-process; the sandbox plays Tiny (sending its notifications twice) and Ideris (with the receiving URLs).
 */
describe("invoices and tracking on the seed's path (Ideris notification URLs) and on the v3 path", () => {
  let h: GatewayHarness;
  let orders: INestApplication;
  let fiscal: INestApplication;
  let connectionId: string;
  let webhookUrls: Record<string, string>;
  let receiving: { invoiceUrl: string; trackingUrl: string };
  let bound: Bound[];
  const ordersSchema = uniqueSuffix('orders');
  const fiscalSchema = uniqueSuffix('fiscal');

  const sandbox = (method: string, path: string, body?: unknown) => sandboxJson(h, method, path, body);
  const receipts = async (): Promise<Receipt[]> => (await sandbox('GET', `/control/ideris/notifications?privateKey=${encodeURIComponent(SELLER.iderisPrivateKey)}`)).receipts;
  const receiptsOf = async (kind: string, key: string) => (await receipts()).filter((r) => r.kind === kind && r.dedupKey === key);
  const iderisCalls = async (endpoint: string): Promise<number> => (await sandbox('GET', '/control/calls')).ideris?.[SELLER.iderisPrivateKey]?.endpoints[endpoint]?.calls ?? 0;
  const fiscalView = async (order: Bound) => (await h.api('GET', `/api/v1/connections/${connectionId}/fiscal/orders/${order.iderisOrderId}`)).body;
  const tinyState = () => sandbox('GET', `/control/tiny/state?token=${encodeURIComponent(SELLER.tinyToken)}`);
  const fault = (endpoint: string, spec: Record<string, unknown>) => sandbox('POST', '/control/faults', { system: 'ideris', account: SELLER.iderisPrivateKey, endpoint, ...spec });
  const usePath = async (invoiceTrackingPath: string) => {
    const res = await h.api('PATCH', `/api/v1/connections/${connectionId}`, { settings: { invoiceTrackingPath } });
    expect(res.body.invoiceTrackingPathInEffect).toBe(invoiceTrackingPath);
    // The read model follows the connection event.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  };
  /** Tiny's notification again after the gateway's duplicate window (re-serialised, so its content differs). */
  const notifyAgain = async (kind: string, tinyOrderId: string) => {
    const deliveries = await sandbox('GET', `/control/tiny/webhooks/deliveries?token=${encodeURIComponent(SELLER.tinyToken)}&kind=${kind}`);
    const attempt = deliveries.attempts.filter((a: { body: { dados: { idVendaTiny: unknown } } }) => String(a.body.dados.idVendaTiny) === tinyOrderId).at(-1);
    const res = await fetch(webhookUrls[kind]!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(attempt.body, null, 1) });
    expect(res.status).toBe(200);
  };
  const concludePlp = async (order: Bound) => {
    const grouping = await sandbox('POST', '/control/tiny/groupings', { token: SELLER.tinyToken, orderIds: [Number(order.tinyOrderId)], formaEnvio: 'C' });
    await sandbox('POST', `/control/tiny/groupings/${grouping.id}/conclude`, { token: SELLER.tinyToken });
  };

  beforeAll(async () => {
    h = await startGateway();
    orders = await startService(h, (config) => OrdersAppModule.forConfig(config), ordersSchema, 'orders');
    fiscal = await startService(h, (config) => FiscalShippingAppModule.forConfig({ ...config, IDERIS_URLS_ALLOW_PRIVATE: true }, { schedulerTickMs: 200, recheckDelaysMs: [300], retryDelaysMs: [300] }), fiscalSchema, 'fiscal-shipping');
    const created = await createSandboxConnection(h);
    connectionId = created.id;
    webhookUrls = Object.fromEntries(Object.entries(created.webhookUrls as Record<string, string>).map(([kind, url]) => [kind, url.replace('http://hub.example.test', h.url)]));
    receiving = await sandbox('POST', '/control/ideris/notification-urls', { privateKey: SELLER.iderisPrivateKey });
    const patched = await h.api('PATCH', `/api/v1/connections/${connectionId}`, { iderisInvoiceUrl: receiving.invoiceUrl, iderisTrackingUrl: receiving.trackingUrl });
    expect(patched.status).toBe(200);
    await sandbox('POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Mercado Livre' });
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/activate`)).status).toBe(200);
    await sandbox('POST', '/control/tiny/webhooks/settings', { timeScale: 0.001 });
    await sandbox('POST', '/control/tiny/webhooks', { token: SELLER.tinyToken, idEcommerce: 777, urls: { nota_fiscal: webhookUrls['nota_fiscal'], rastreio: webhookUrls['rastreio'] } });
    await sandbox('POST', '/control/tiny/webhooks/faults', { token: SELLER.tinyToken, duplicateRate: 1 });
    bound = await importedOrders(h, fiscalSchema, connectionId, 5);
  });

  afterAll(async () => {
    await fiscal?.close();
    await orders?.close();
    await h?.close();
    await dropSchema(h.schema);
    await dropSchema(ordersSchema);
    await dropSchema(fiscalSchema);
  });

  it('keeps the URLs sealed and shows them masked; the seed path is the default once both are set', async () => {
    const { body } = await h.api('GET', `/api/v1/connections/${connectionId}`);
    expect(body.invoiceTrackingPathInEffect).toBe('notification_urls');
    const sellerKey = receiving.invoiceUrl.split('/').at(-2)!;
    for (const shown of [body.iderisInvoiceUrl, body.iderisTrackingUrl]) {
      expect(shown).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/•{8}/);
      expect(shown).not.toContain(sellerKey);
    }
    const refused = await h.api('POST', '/api/v1/connections', { name: uniqueSuffix('no-urls'), settings: { invoiceTrackingPath: 'notification_urls' } });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/needs iderisInvoiceUrl and iderisTrackingUrl/);
  });

  it("delivers an invoice to the invoice URL once, in Tiny's nota_fiscal format, after a 503", async () => {
    const order = bound[0]!;
    await fault('notifications/nota-fiscal', { httpStatus: 503, times: 1 });
    const invoice = await sandbox('POST', `/control/tiny/orders/${order.tinyOrderId}/invoice`, { token: SELLER.tinyToken });
    const key = `nota_fiscal:${invoice.id}:issued`;
    await waitFor(async () => (await fiscalView(order)).invoices?.[0]?.state === 'sent', 30_000, 200);

    const got = await receiptsOf('nota_fiscal', key);
    expect(got.map((r) => [r.processed, r.answered])).toEqual([[true, 200]]);
    expect((await receipts()).filter((r) => r.kind === 'nota_fiscal' && r.answered === 503)).toHaveLength(1);
    expect(got[0]!.body).toEqual({
      versao: '1.0.1',
      cnpj: '12345678000195',
      idEcommerce: 777,
      tipo: 'nota_fiscal',
      dados: {
        idNotaFiscalTiny: Number(invoice.id),
        numero: invoice.numero,
        serie: invoice.serie,
        chaveAcesso: invoice.chaveAcesso,
        urlDanfe: expect.stringMatching(/^https:\/\/tiny\.com\.br\/doc\.view\.php\?id=/),
        dataEmissao: invoice.dataEmissao,
        // A number in Tiny's notifications, while ids and numero are strings (evidence.md).
        valorNota: Number(invoice.valorNota),
        idPedidoEcommerce: order.code,
        idVendaTiny: order.tinyOrderId,
      },
    });
    expect(got[0]!.orderId).toBe(order.iderisOrderId);
    expect((await fiscalView(order)).invoices[0]).toMatchObject({ deliveryPath: 'notification_urls', sends: 2, iderisAnswer: { httpStatus: 200, dedupKey: key } });
    expect(await iderisCalls('order/invoice')).toBe(0);
  });

  it('sends an invoice whose answer was lost again byte for byte, so the receiver de-duplicates it by its key', async () => {
    const order = bound[1]!;
    await fault('notifications/nota-fiscal', { commitThenDrop: true, times: 1 });
    const invoice = await sandbox('POST', `/control/tiny/orders/${order.tinyOrderId}/invoice`, { token: SELLER.tinyToken });
    await waitFor(async () => (await fiscalView(order)).invoices?.[0]?.state === 'sent', 30_000, 200);

    const got = await receiptsOf('nota_fiscal', `nota_fiscal:${invoice.id}:issued`);
    // At least once towards a URL with no read-back: the second copy is the same fact with the same key.
    expect(got.map((r) => [r.answered, r.repeat, r.sameAsFirst])).toEqual([
      ['dropped', false, undefined],
      [200, true, true],
    ]);
    const invoiceChanges = (await receipts()).filter((r) => r.dedupKey === `nota_fiscal:${invoice.id}:issued` && r.processed && !r.repeat);
    expect(invoiceChanges).toHaveLength(1);
  });

  it('delivers tracking to the tracking URL once the PLP is concluded, and leaves the marker only after the URL accepted it', async () => {
    const order = bound[0]!;
    await fault('notifications/rastreio', { httpStatus: 503, times: 2 });
    await concludePlp(order);
    await waitFor(async () => (await fiscalView(order)).tracking?.marker?.state === 'marked', 30_000, 200);

    const { tracking } = await fiscalView(order);
    const got = await receiptsOf('rastreio', `rastreio:${order.tinyOrderId}:${tracking.trackingCode}`);
    expect(got).toHaveLength(1);
    expect(got[0]!.body).toMatchObject({
      versao: '1.0.1',
      cnpj: '12345678000195',
      tipo: 'rastreio',
      dados: { idVendaTiny: order.tinyOrderId, idPedidoEcommerce: order.code, codigoRastreio: tracking.trackingCode, formaEnvio: 'C', transportadora: 'Correios', urlRastreio: tracking.trackingUrl },
    });
    const markers = (await tinyState()).orderChanges.filter((c: { kind: string; orderId: number }) => c.kind === 'marker' && String(c.orderId) === order.tinyOrderId);
    expect(markers).toHaveLength(1);
    expect(Date.parse(markers[0].at)).toBeGreaterThanOrEqual(Date.parse(got[0]!.at));
    expect(tracking).toMatchObject({ state: 'sent', deliveryPath: 'notification_urls', sends: 3 });
    expect(await iderisCalls('order/tracking')).toBe(0);
  });

  it('reports a tracking code changed after it was sent as a new rastreio, once, without a second marker', async () => {
    const order = bound[0]!;
    const first = (await fiscalView(order)).tracking.trackingCode;
    const answer = await fetch(`${h.sandboxUrl}/tiny/api2/cadastrar.codigo.rastreamento.pedido.php`, {
      method: 'POST',
      body: new URLSearchParams({ token: SELLER.tinyToken, formato: 'json', id: order.tinyOrderId, codigoRastreamento: 'QB999999999BR', formaEnvio: 'C' }),
    });
    expect(((await answer.json()) as { retorno: { status: string } }).retorno.status).toBe('OK');
    await waitFor(async () => (await fiscalView(order)).tracking.trackingCode === 'QB999999999BR', 30_000, 200);

    expect((await fiscalView(order)).tracking).toMatchObject({ state: 'sent', replacedCodes: [first], marker: { state: 'marked' } });
    expect(await receiptsOf('rastreio', `rastreio:${order.tinyOrderId}:QB999999999BR`)).toHaveLength(1);
    expect(await receiptsOf('rastreio', `rastreio:${order.tinyOrderId}:${first}`)).toHaveLength(1);
    const markers = (await tinyState()).orderChanges.filter((c: { kind: string; orderId: number }) => c.kind === 'marker' && String(c.orderId) === order.tinyOrderId);
    expect(markers).toHaveLength(1);
  });

  it('reports an invoice cancelled in Tiny after it was sent as a nota_fiscal with the cancelled situation', async () => {
    const order = bound[0]!;
    const invoiceId = (await fiscalView(order)).invoices[0].tinyInvoiceId;
    await sandbox('POST', `/control/tiny/invoices/${invoiceId}/cancel`, { token: SELLER.tinyToken });
    await notifyAgain('nota_fiscal', order.tinyOrderId);
    await waitFor(async () => (await fiscalView(order)).invoices[0].cancellation?.state === 'reported', 30_000, 200);

    const got = await receiptsOf('nota_fiscal', `nota_fiscal:${invoiceId}:cancelled`);
    expect(got).toHaveLength(1);
    expect(got[0]!.body.dados).toMatchObject({ idNotaFiscalTiny: Number(invoiceId), situacao: '3', descricaoSituacao: 'Cancelada' });
    expect((await fiscalView(order)).invoices[0]).toMatchObject({ state: 'sent', tinySituation: 3 });
  });

  it('uses the assumed v3 writes when the connection says ideris_api: invoice, tracking, cancellation and a changed code', async () => {
    await usePath('ideris_api');
    const order = bound[2]!;
    const before = (await receipts()).length;
    await fault('order/invoice', { httpStatus: 503, times: 1 });
    const invoice = await sandbox('POST', `/control/tiny/orders/${order.tinyOrderId}/invoice`, { token: SELLER.tinyToken });
    await waitFor(async () => (await fiscalView(order)).invoices?.[0]?.state === 'sent', 30_000, 200);
    expect((await fiscalView(order)).invoices[0]).toMatchObject({ deliveryPath: 'ideris_api', iderisAnswer: { key: invoice.chaveAcesso } });
    expect(await iderisCalls('order/invoice')).toBe(2);

    await concludePlp(order);
    await waitFor(async () => (await fiscalView(order)).tracking?.marker?.state === 'marked', 30_000, 200);
    expect(await iderisCalls('order/tracking')).toBe(1);

    await sandbox('POST', `/control/tiny/invoices/${invoice.id}/cancel`, { token: SELLER.tinyToken });
    await notifyAgain('nota_fiscal', order.tinyOrderId);
    await waitFor(async () => (await fiscalView(order)).invoices[0].cancellation?.state === 'reported', 30_000, 200);
    expect(await iderisCalls('order/invoice/cancel')).toBe(1);

    await fetch(`${h.sandboxUrl}/tiny/api2/cadastrar.codigo.rastreamento.pedido.php`, {
      method: 'POST',
      body: new URLSearchParams({ token: SELLER.tinyToken, formato: 'json', id: order.tinyOrderId, codigoRastreamento: 'QB888888888BR', formaEnvio: 'C' }),
    });
    await waitFor(async () => (await fiscalView(order)).tracking.trackingCode === 'QB888888888BR', 30_000, 200);
    expect(await iderisCalls('order/tracking')).toBe(2);
    // Nothing went to the URLs on this path.
    expect((await receipts()).length).toBe(before);
  });
});
