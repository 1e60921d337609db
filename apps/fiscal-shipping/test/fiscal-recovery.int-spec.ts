import type { INestApplication } from '@nestjs/common';
import { dropSchema, sql, uniqueSuffix, waitFor } from '@hub/testing';
import { createSandboxConnection, sandboxJson, SELLER, startGateway, startService, type GatewayHarness } from '../../gateway/test/gateway-harness';
import { OrdersAppModule } from '../../orders/src/app.module';
import { FiscalShippingAppModule } from '../src/app.module';
import { InvoiceSyncRepository } from '../src/invoices/invoice-sync.repository';
import { InvoiceSyncService } from '../src/invoices/invoice-sync.service';
import { TrackingSyncRepository } from '../src/tracking/tracking-sync.repository';
import { TrackingSyncService } from '../src/tracking/tracking-sync.service';
import { importedOrders, type Bound } from './imported-orders';

/**
 * Invoices and tracking stay "once" when work races in one process (a notification, its duplicate, the
 * scheduler) and when a worker dies between its journal and Ideris's answer. The sandbox's Ideris journal says
 * how many times Ideris received each.
 */
describe('invoices and tracking are sent once through concurrent work and crashed workers', () => {
  let h: GatewayHarness;
  let orders: INestApplication;
  let fiscal: INestApplication;
  let connectionId: string;
  let webhookUrls: Record<string, string>;
  let bound: Bound[];
  const ordersSchema = uniqueSuffix('orders');
  const fiscalSchema = uniqueSuffix('fiscal');
  /** A claim held by a process that was killed. */
  const DEAD = 'dead-host:4242:000000';

  const sandbox = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => sandboxJson(h, method, path, body, headers);
  const received = async (orderId: number, kind: 'invoice' | 'tracking'): Promise<string[]> =>
    ((await sandbox('GET', `/control/ideris/state?privateKey=${SELLER.iderisPrivateKey}`)).orderChanges as { orderId: number; kind: string; by: string; value: string }[])
      .filter((c) => c.orderId === orderId && c.kind === kind && c.by === 'api')
      .map((c) => c.value);
  /** What a dead worker's call put in Ideris before the worker could record the answer. */
  const iderisWrite = async (path: string, body: unknown) => {
    const jwt = (await sandbox('POST', '/ideris/login', SELLER.iderisPrivateKey)) as string;
    await sandbox('POST', path, body, { authorization: `Bearer ${jwt}` });
  };
  const invoiceRow = async (tinyInvoiceId: string) => (await sql<{ state: string; sends: number }>(`SELECT state, sends FROM "${fiscalSchema}".invoice_sync WHERE connection_id = $1 AND tiny_invoice_id = $2`, [connectionId, tinyInvoiceId]))[0];
  const trackingRow = async (tinyOrderId: string) => (await sql<{ state: string; marker_state: string | null }>(`SELECT state, marker_state FROM "${fiscalSchema}".tracking_sync WHERE connection_id = $1 AND tiny_order_id = $2`, [connectionId, tinyOrderId]))[0];
  const tinyOrder = async (tinyOrderId: string) => (await sandbox('GET', `/control/tiny/state?token=${encodeURIComponent(SELLER.tinyToken)}`)).orders.find((o: { id: number }) => String(o.id) === tinyOrderId);
  /** An invoice issued in Tiny whose notification never reached the hub (no nota_fiscal URL registered here). */
  const issueInvoice = async (order: Bound) => sandbox('POST', `/control/tiny/orders/${order.tinyOrderId}/invoice`, { token: SELLER.tinyToken });
  /** What a worker killed during a send leaves: its journal (`sending`, the facts), its claim (run out), the re-check it planned. */
  const leftSendingByDeadWorker = (order: Bound, invoice: { id: number; chaveAcesso: string; numero: string }) =>
    sql(
      `INSERT INTO "${fiscalSchema}".invoice_sync (connection_id, tiny_invoice_id, tiny_order_id, ideris_order_id, state, access_key, number, sends, notifications, claimed_by, claimed_until, next_check_at)
       VALUES ($1, $2, $3, $4, 'sending', $5, $6, 1, 1, $7, now() - interval '1 second', now())`,
      [connectionId, String(invoice.id), order.tinyOrderId, order.iderisOrderId, invoice.chaveAcesso, invoice.numero, DEAD],
    );
  const shipByPlp = async (order: Bound) => {
    const grouping = await sandbox('POST', '/control/tiny/groupings', { token: SELLER.tinyToken, orderIds: [Number(order.tinyOrderId)], formaEnvio: 'C' });
    await sandbox('POST', `/control/tiny/groupings/${grouping.id}/conclude`, { token: SELLER.tinyToken });
    return (await tinyOrder(order.tinyOrderId)).codigoRastreamento as string;
  };

  beforeAll(async () => {
    h = await startGateway();
    orders = await startService(h, (config) => OrdersAppModule.forConfig(config), ordersSchema, 'orders');
    fiscal = await startService(h, (config) => FiscalShippingAppModule.forConfig(config, { schedulerTickMs: 200, recheckDelaysMs: [300, 60_000], retryDelaysMs: [300], claimMs: 1500 }), fiscalSchema, 'fiscal-shipping');

    const created = await createSandboxConnection(h);
    connectionId = created.id;
    webhookUrls = Object.fromEntries(Object.entries(created.webhookUrls as Record<string, string>).map(([kind, url]) => [kind, url.replace('http://hub.example.test', h.url)]));
    await sandbox('POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Mercado Livre' });
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/activate`)).status).toBe(200);
    bound = await importedOrders(h, fiscalSchema, connectionId, 7);
  });

  afterAll(async () => {
    await fiscal?.close();
    await orders?.close();
    await h?.close();
    await dropSchema(h.schema);
    await dropSchema(ordersSchema);
    await dropSchema(fiscalSchema);
  });

  it('sends an invoice once when the same process works on it three times at once (a notification, its copy, the scheduler)', async () => {
    const order = bound[0]!;
    const invoice = await issueInvoice(order);
    const row = await fiscal.get(InvoiceSyncRepository).noticed({ connectionId, tinyInvoiceId: String(invoice.id), tinyOrderId: order.tinyOrderId });
    const service = fiscal.get(InvoiceSyncService);
    const outcomes = await Promise.all([service.process(row, 'notification'), service.process(row, 'notification'), service.process(row, 'recheck')]);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(await received(order.iderisOrderId, 'invoice')).toEqual([invoice.chaveAcesso]);
  });

  it('sends tracking once when the same process works on it three times at once', async () => {
    const order = bound[0]!;
    const code = await shipByPlp(order);
    const row = await fiscal.get(TrackingSyncRepository).noticed({ connectionId, tinyOrderId: order.tinyOrderId, marketplaceOrderCode: order.code });
    const service = fiscal.get(TrackingSyncService);
    const outcomes = await Promise.all([service.process(row, 'notification'), service.process(row, 'notification'), service.process(row, 'recheck')]);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(await received(order.iderisOrderId, 'tracking')).toEqual([code]);
  });

  it('confirms, without sending it again, an invoice Ideris received from a worker killed before it recorded the answer', async () => {
    const order = bound[1]!;
    const invoice = await issueInvoice(order);
    await iderisWrite('/ideris/order/invoice', { orderId: order.iderisOrderId, key: invoice.chaveAcesso, number: invoice.numero, series: '1', issuedAt: new Date().toISOString() });
    await leftSendingByDeadWorker(order, invoice);
    await waitFor(async () => (await invoiceRow(String(invoice.id)))?.state === 'sent', 15_000, 100);
    expect(await received(order.iderisOrderId, 'invoice')).toEqual([invoice.chaveAcesso]);
  });

  it('sends, once, an invoice whose worker was killed before its call reached Ideris', async () => {
    const order = bound[2]!;
    const invoice = await issueInvoice(order);
    await leftSendingByDeadWorker(order, invoice);
    await waitFor(async () => (await invoiceRow(String(invoice.id)))?.state === 'sent', 15_000, 100);
    expect(await received(order.iderisOrderId, 'invoice')).toEqual([invoice.chaveAcesso]);
  });

  it('does not drop a notification that finds the invoice claimed by a killed worker: it is sent once the claim runs out', async () => {
    const order = bound[3]!;
    const invoice = await issueInvoice(order);
    // The killed worker had just recorded the first copy of the notification and claimed the row.
    await sql(
      `INSERT INTO "${fiscalSchema}".invoice_sync (connection_id, tiny_invoice_id, tiny_order_id, notifications, claimed_by, claimed_until)
       VALUES ($1, $2, $3, 1, $4, now() + interval '3 seconds')`,
      [connectionId, String(invoice.id), order.tinyOrderId, DEAD],
    );
    // Tiny's next copy of the notification (redelivered by JetStream after the crash, or re-sent by Tiny).
    const dados = { idNotaFiscalTiny: String(invoice.id), numero: invoice.numero, serie: invoice.serie, chaveAcesso: invoice.chaveAcesso, dataEmissao: invoice.dataEmissao, valorNota: invoice.valorNota, idPedidoEcommerce: order.code, idVendaTiny: order.tinyOrderId };
    const res = await fetch(webhookUrls['nota_fiscal']!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ versao: '1.0.0', cnpj: SELLER.cnpj, idEcommerce: 777, tipo: 'nota_fiscal', dados }) });
    expect(res.status).toBe(200);
    await waitFor(async () => (await invoiceRow(String(invoice.id)))?.state === 'sent', 25_000, 200);
    expect(await received(order.iderisOrderId, 'invoice')).toEqual([invoice.chaveAcesso]);
  });

  it('keeps the claim of a worker whose send outlasts it: another worker finds the row busy and Ideris gets it once', async () => {
    const order = bound[4]!;
    const invoice = await issueInvoice(order);
    // Ideris takes 4 s to answer this send, longer than a claim (1.5 s here) lasts unless renewed.
    await sandbox('POST', '/control/faults', { system: 'ideris', account: SELLER.iderisPrivateKey, endpoint: 'order/invoice', latencyMs: 4000, times: 1 });
    const row = await fiscal.get(InvoiceSyncRepository).noticed({ connectionId, tinyInvoiceId: String(invoice.id), tinyOrderId: order.tinyOrderId });
    const service = fiscal.get(InvoiceSyncService);
    const first = service.process(row, 'notification');
    await new Promise((r) => setTimeout(r, 2500));
    expect(await service.process(row, 'recheck')).toBe('busy');
    expect(await first).toBe('sent');
    expect(await received(order.iderisOrderId, 'invoice')).toEqual([invoice.chaveAcesso]);
  });

  it('retries a tracking send that failed on an Ideris 503 soon, not on the schedule of a row waiting for its coleta', async () => {
    const order = bound[6]!;
    await issueInvoice(order);
    const grouping = await sandbox('POST', '/control/tiny/groupings', { token: SELLER.tinyToken, orderIds: [Number(order.tinyOrderId)], formaEnvio: 'C' });
    const row = await fiscal.get(TrackingSyncRepository).noticed({ connectionId, tinyOrderId: order.tinyOrderId, marketplaceOrderCode: order.code });
    expect(await fiscal.get(TrackingSyncService).process(row, 'notification')).toBe('waiting');
    // Re-checked once more while the PLP is open: the next look is a minute away.
    await waitFor(async () => (await sql<{ checks: number }>(`SELECT checks FROM "${fiscalSchema}".tracking_sync WHERE id = $1`, [row.id]))[0]!.checks >= 2, 10_000, 100);
    await sandbox('POST', `/control/tiny/groupings/${grouping.id}/conclude`, { token: SELLER.tinyToken });
    await sandbox('POST', '/control/faults', { system: 'ideris', account: SELLER.iderisPrivateKey, endpoint: 'order/tracking', httpStatus: 503, times: 1 });
    await sql(`UPDATE "${fiscalSchema}".tracking_sync SET next_check_at = now() WHERE id = $1`, [row.id]);
    await waitFor(async () => (await trackingRow(order.tinyOrderId))?.state === 'sent', 10_000, 100);
    expect(await received(order.iderisOrderId, 'tracking')).toEqual([(await tinyOrder(order.tinyOrderId)).codigoRastreamento]);
  });

  it('confirms tracking Ideris received from a killed worker, and leaves the marker in Tiny, without sending it again', async () => {
    const order = bound[5]!;
    await issueInvoice(order);
    const code = await shipByPlp(order);
    await iderisWrite('/ideris/order/tracking', { orderId: order.iderisOrderId, trackingCode: code, carrier: 'Correios' });
    await sql(
      `INSERT INTO "${fiscalSchema}".tracking_sync (connection_id, tiny_order_id, marketplace_order_code, ideris_order_id, state, tracking_code, shipping_method, sends, checks, notifications, claimed_by, claimed_until, next_check_at)
       VALUES ($1, $2, $3, $4, 'sending', $5, 'Correios', 1, 1, 1, $6, now() - interval '1 second', now())`,
      [connectionId, order.tinyOrderId, order.code, order.iderisOrderId, code, DEAD],
    );
    await waitFor(async () => (await trackingRow(order.tinyOrderId))?.marker_state === 'marked', 15_000, 100);
    expect(await trackingRow(order.tinyOrderId)).toMatchObject({ state: 'sent' });
    expect(await received(order.iderisOrderId, 'tracking')).toEqual([code]);
    expect((await tinyOrder(order.tinyOrderId)).marcadores).toEqual(['Rastreio enviado ao Ideris']);
  });
});
