import type { INestApplication } from '@nestjs/common';
import { dropSchema, sql, uniqueSuffix, waitFor } from '@hub/testing';
import { createSandboxConnection, sandboxJson, SELLER, startGateway, startService, type GatewayHarness } from '../../gateway/test/gateway-harness';
import { OrdersAppModule } from '../../orders/src/app.module';
import { FiscalShippingAppModule } from '../src/app.module';
import { importedOrders, type Bound } from './imported-orders';

interface Receipt {
  kind: 'nota_fiscal' | 'rastreio';
  dedupKey: string | null;
  processed: boolean;
  answered: number | 'dropped';
}

/**
 * The notification URLs when something is wrong with them or around them: what waits for an operator and comes back
 * when the connection is fixed or the operator resends, a redirect, a refused changed code, an unconfirmed send
 * cancelled meanwhile, a flow switched off, a crash between two commits of a cancellation. Gateway, orders and
 * fiscal-shipping in-process; the sandbox plays Tiny and Ideris with its receiving URLs and its faults.
 */
describe('notification URLs: configuration problems, refusals and recoveries', () => {
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
  const receiptsOf = async (key: string) => (await receipts()).filter((r) => r.dedupKey === key);
  const iderisCalls = async (endpoint: string): Promise<number> => (await sandbox('GET', '/control/calls')).ideris?.[SELLER.iderisPrivateKey]?.endpoints[endpoint]?.calls ?? 0;
  const fiscalView = async (order: Bound) => (await h.api('GET', `/api/v1/connections/${connectionId}/fiscal/orders/${order.iderisOrderId}`)).body;
  const fault = (endpoint: string, spec: Record<string, unknown>) => sandbox('POST', '/control/faults', { system: 'ideris', account: SELLER.iderisPrivateKey, endpoint, ...spec });
  const patchConnection = async (body: Record<string, unknown>) => {
    expect((await h.api('PATCH', `/api/v1/connections/${connectionId}`, body)).status).toBe(200);
  };
  const invoiceOf = async (order: Bound) => sandbox('POST', `/control/tiny/orders/${order.tinyOrderId}/invoice`, { token: SELLER.tinyToken });
  const invoiceRow = async (tinyInvoiceId: string) =>
    (await sql<{ failures: number; next_check_at: Date | null; cancel_state: string | null }>(`SELECT failures, next_check_at, cancel_state FROM "${fiscalSchema}".invoice_sync WHERE tiny_invoice_id = $1`, [tinyInvoiceId]))[0]!;
  const changeCode = async (order: Bound, code: string) => {
    const answer = await fetch(`${h.sandboxUrl}/tiny/api2/cadastrar.codigo.rastreamento.pedido.php`, {
      method: 'POST',
      body: new URLSearchParams({ token: SELLER.tinyToken, formato: 'json', id: order.tinyOrderId, codigoRastreamento: code, formaEnvio: 'C' }),
    });
    expect(((await answer.json()) as { retorno: { status: string } }).retorno.status).toBe('OK');
  };
  const notifyAgain = async (kind: string, tinyOrderId: string) => {
    const deliveries = await sandbox('GET', `/control/tiny/webhooks/deliveries?token=${encodeURIComponent(SELLER.tinyToken)}&kind=${kind}`);
    const attempt = deliveries.attempts.filter((a: { body: { dados: { idVendaTiny: unknown } } }) => String(a.body.dados.idVendaTiny) === tinyOrderId).at(-1);
    expect((await fetch(webhookUrls[kind]!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(attempt.body, null, 1) })).status).toBe(200);
  };
  const concludePlp = async (order: Bound) => {
    const grouping = await sandbox('POST', '/control/tiny/groupings', { token: SELLER.tinyToken, orderIds: [Number(order.tinyOrderId)], formaEnvio: 'C' });
    await sandbox('POST', `/control/tiny/groupings/${grouping.id}/conclude`, { token: SELLER.tinyToken });
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000));

  beforeAll(async () => {
    h = await startGateway();
    orders = await startService(h, (config) => OrdersAppModule.forConfig(config), ordersSchema, 'orders');
    // Failed attempts retried after 3 s: room to change Tiny between a failed post and its retry.
    fiscal = await startService(
      h,
      (config) => FiscalShippingAppModule.forConfig({ ...config, IDERIS_URLS_ALLOW_PRIVATE: true }, { schedulerTickMs: 200, recheckDelaysMs: [300], retryDelaysMs: [3_000] }),
      fiscalSchema,
      'fiscal-shipping',
    );
    const created = await createSandboxConnection(h);
    connectionId = created.id;
    webhookUrls = Object.fromEntries(Object.entries(created.webhookUrls as Record<string, string>).map(([kind, url]) => [kind, url.replace('http://hub.example.test', h.url)]));
    receiving = await sandbox('POST', '/control/ideris/notification-urls', { privateKey: SELLER.iderisPrivateKey });
    await patchConnection({ iderisInvoiceUrl: receiving.invoiceUrl, iderisTrackingUrl: receiving.trackingUrl });
    await sandbox('POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Mercado Livre' });
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/activate`)).status).toBe(200);
    await sandbox('POST', '/control/tiny/webhooks/settings', { timeScale: 0.001 });
    await sandbox('POST', '/control/tiny/webhooks', { token: SELLER.tinyToken, idEcommerce: 777, urls: { nota_fiscal: webhookUrls['nota_fiscal'], rastreio: webhookUrls['rastreio'] } });
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

  it('a mistyped invoice URL (404) waits for the operator with url_rejected, and goes once the connection is fixed', async () => {
    const order = bound[0]!;
    await patchConnection({ iderisInvoiceUrl: receiving.invoiceUrl.replace(/nota-fiscal$/, 'nota-fiscall') });
    await settle();
    const invoice = await invoiceOf(order);
    const waiting = await waitFor(async () => {
      const row = (await fiscalView(order)).invoices?.[0];
      return row?.state === 'waiting_configuration' ? row : undefined;
    }, 20_000, 200);
    expect(waiting).toMatchObject({ reasonCode: 'url_rejected', reason: expect.stringMatching(/does not exist at its host \(HTTP 404\)/) });
    expect(JSON.stringify(waiting)).not.toContain(receiving.invoiceUrl.split('/').at(-2));

    await patchConnection({ iderisInvoiceUrl: receiving.invoiceUrl });
    await waitFor(async () => (await fiscalView(order)).invoices[0].state === 'sent', 20_000, 200);
    const got = await receiptsOf(`nota_fiscal:${invoice.id}:issued`);
    expect(got.map((r) => [r.processed, r.answered])).toEqual([[true, 200]]);
    // The answer is summed up, never kept.
    expect((await fiscalView(order)).invoices[0]).toMatchObject({ reasonCode: null, iderisAnswer: { httpStatus: 200, contentType: expect.stringMatching(/^application\/json/), bytes: expect.any(Number) } });
    expect((await fiscalView(order)).invoices[0].iderisAnswer).not.toHaveProperty('answer');
  });

  it('a redirect is not followed as a success: the invoice waits with the Location masked, and the operator’s resend sends it', async () => {
    const order = bound[1]!;
    await fault('notifications/nota-fiscal', { httpStatus: 302, location: `${h.sandboxUrl}/health/live?token=redirect-secret`, times: 1 });
    const invoice = await invoiceOf(order);
    const waiting = await waitFor(async () => {
      const row = (await fiscalView(order)).invoices?.[0];
      return row?.state === 'waiting_configuration' ? row : undefined;
    }, 20_000, 200);
    expect(waiting.reasonCode).toBe('url_rejected');
    expect(waiting.reason).toContain(`redirect (HTTP 302) to ${new URL(h.sandboxUrl).origin}/••••••••`);
    expect(waiting.reason).not.toContain('redirect-secret');

    const resend = await h.api('POST', `/api/v1/connections/${connectionId}/fiscal/orders/${order.iderisOrderId}/resend-invoice`);
    expect(resend.body).toMatchObject({ sentNow: true, result: { state: 'sent' } });
    expect((await receiptsOf(`nota_fiscal:${invoice.id}:issued`)).filter((r) => r.processed)).toHaveLength(1);
  });

  it('an invoice whose answer was lost and that Tiny cancels before the retry is taken as sent and its cancellation reported', async () => {
    const order = bound[2]!;
    await fault('notifications/nota-fiscal', { commitThenDrop: true, times: 1 });
    const invoice = await invoiceOf(order);
    await waitFor(async () => (await receiptsOf(`nota_fiscal:${invoice.id}:issued`)).some((r) => r.answered === 'dropped'), 20_000, 100);
    await sandbox('POST', `/control/tiny/invoices/${invoice.id}/cancel`, { token: SELLER.tinyToken });
    await waitFor(async () => (await fiscalView(order)).invoices?.[0]?.cancellation?.state === 'reported', 30_000, 200);

    expect((await fiscalView(order)).invoices[0]).toMatchObject({ state: 'sent', tinySituation: 3 });
    expect((await receiptsOf(`nota_fiscal:${invoice.id}:cancelled`)).filter((r) => r.processed)).toHaveLength(1);
  });

  it('a 401 from the tracking URL waits with url_unauthorised (no retry loop); "send tracking now" sends it and leaves the marker', async () => {
    const order = bound[3]!;
    await fault('notifications/rastreio', { httpStatus: 401, times: 1 });
    await concludePlp(order);
    const waiting = await waitFor(async () => {
      const tracking = (await fiscalView(order)).tracking;
      return tracking?.reasonCode === 'url_unauthorised' ? tracking : undefined;
    }, 20_000, 200);
    expect(waiting).toMatchObject({ state: 'waiting', nextCheckAt: null });
    await settle();
    expect((await fiscalView(order)).tracking).toMatchObject({ state: 'waiting', sends: 1 });

    const now = await h.api('POST', `/api/v1/connections/${connectionId}/fiscal/orders/${order.iderisOrderId}/send-tracking`);
    expect(now.body).toMatchObject({ sentNow: true, result: { state: 'sent' } });
    await waitFor(async () => (await fiscalView(order)).tracking.marker.state === 'marked', 20_000, 200);
  });

  it('a changed code refused after a 503 keeps the first code as sent (it is what Ideris has), not failed', async () => {
    const order = bound[3]!;
    const first = (await fiscalView(order)).tracking.trackingCode;
    await fault('notifications/rastreio', { httpStatus: 503, times: 1 });
    await fault('notifications/rastreio', { httpStatus: 400, times: 1 });
    await changeCode(order, 'QB777777777BR');
    const refused = await waitFor(async () => {
      const tracking = (await fiscalView(order)).tracking;
      return tracking.reasonCode === 'refused' ? tracking : undefined;
    }, 30_000, 200);
    expect(refused).toMatchObject({ state: 'sent', trackingCode: first, replacedCodes: [], marker: { state: 'marked' } });
  });

  it('a changed code goes the way the tracking went, whatever the connection says now', async () => {
    const order = bound[3]!;
    await patchConnection({ settings: { invoiceTrackingPath: 'ideris_api' } });
    await settle();
    await changeCode(order, 'QB666666666BR');
    await waitFor(async () => (await fiscalView(order)).tracking.trackingCode === 'QB666666666BR', 30_000, 200);
    expect((await receiptsOf(`rastreio:${order.tinyOrderId}:QB666666666BR`)).filter((r) => r.processed)).toHaveLength(1);
    expect(await iderisCalls('order/tracking')).toBe(0);
    await patchConnection({ settings: { invoiceTrackingPath: 'notification_urls' } });
    await settle();
  });

  it('a cancellation whose `sending` could not be committed is due again on its own, then reported', async () => {
    const order = bound[0]!;
    const invoiceId = (await fiscalView(order)).invoices[0].tinyInvoiceId;
    // A database blip at the worst moment: the write of `sending` fails (until the trigger is dropped).
    await sql(`CREATE FUNCTION "${fiscalSchema}".fail_cancel_sending() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.cancel_state = 'sending' AND OLD.cancel_state IS DISTINCT FROM 'sending' THEN RAISE EXCEPTION 'injected blip'; END IF; RETURN NEW; END $$`);
    await sql(`CREATE TRIGGER fail_cancel_sending BEFORE UPDATE ON "${fiscalSchema}".invoice_sync FOR EACH ROW EXECUTE FUNCTION "${fiscalSchema}".fail_cancel_sending()`);
    try {
      await sandbox('POST', `/control/tiny/invoices/${invoiceId}/cancel`, { token: SELLER.tinyToken });
      await notifyAgain('nota_fiscal', order.tinyOrderId);
      // Before the notification's own redelivery (5 s): the row itself says when to look again.
      const stranded = await waitFor(async () => {
        const row = await invoiceRow(invoiceId);
        return row.cancel_state === 'pending' && row.next_check_at !== null ? row : undefined;
      }, 4_000, 100);
      expect(stranded.cancel_state).toBe('pending');
    } finally {
      await sql(`DROP TRIGGER fail_cancel_sending ON "${fiscalSchema}".invoice_sync`);
    }
    await waitFor(async () => (await fiscalView(order)).invoices[0].cancellation?.state === 'reported', 30_000, 200);
    expect((await receiptsOf(`nota_fiscal:${invoiceId}:cancelled`)).filter((r) => r.processed)).toHaveLength(1);
  });

  it('a flow switched off postpones what is due without counting it as a failure', async () => {
    const order = bound[4]!;
    await fault('notifications/nota-fiscal', { httpStatus: 503, times: 1 });
    const invoice = await invoiceOf(order);
    await waitFor(async () => (await receipts()).some((r) => r.kind === 'nota_fiscal' && r.answered === 503), 20_000, 100);
    await patchConnection({ settings: { flows: { invoices: false } } });
    const deferred = await waitFor(async () => {
      const row = await invoiceRow(String(invoice.id));
      return row.next_check_at && new Date(row.next_check_at).getTime() > Date.now() + 30_000 ? row : undefined;
    }, 20_000, 200);
    expect(deferred.failures).toBe(1);
    await patchConnection({ settings: { flows: { invoices: true } } });
    await settle();
    const resend = await h.api('POST', `/api/v1/connections/${connectionId}/fiscal/orders/${order.iderisOrderId}/resend-invoice`);
    expect(resend.body).toMatchObject({ result: { state: 'sent' } });
  });
});
