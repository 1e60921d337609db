import type { NestExpressApplication } from '@nestjs/platform-express';
import { createSandboxApp, sandboxUrl } from '../sandbox-app';

const KEY = 'c0ffee'.repeat(16);
const TOKEN = 'tok-journal';

/** The journals benchmarks count from: who changed an order (an integrator's API call, the seller, the marketplace). */
describe('sandbox: order change journals and the marketplace status control', () => {
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    app = await createSandboxApp({ logRequests: false });
    await app.listen(0, '127.0.0.1');
    base = sandboxUrl(app);
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    await call('POST', '/control/reset', {});
  });

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const response = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async function tinyScript(script: string, fields: Record<string, string>): Promise<any> {
    const response = await fetch(`${base}/tiny/api2/${script}`, { method: 'POST', body: new URLSearchParams({ token: TOKEN, formato: 'json', ...fields }) });
    return ((await response.json()) as { retorno: unknown }).retorno;
  }

  it('journals Ideris status changes by the marketplace apart from the integrator writes; a marketplace cancellation is final', async () => {
    await call('POST', '/control/ideris/accounts', { privateKey: KEY, limitPerMinute: 100 });
    await call('POST', '/control/ideris/marketplaces', { privateKey: KEY });
    const [order] = (await call('POST', '/control/ideris/orders', { privateKey: KEY, count: 1 })).body as { id: number }[];
    const jwt = (await call('POST', '/ideris/login', KEY)).body as string;
    const auth = { authorization: `Bearer ${jwt}` };
    expect((await call('PUT', '/ideris/order', { orderId: order!.id, statusId: 1010 }, auth)).status).toBe(200);
    const callsBefore = (await call('GET', '/control/calls')).body.ideris;

    const cancelled = await call('POST', `/control/ideris/orders/${order!.id}/status`, { privateKey: KEY, statusId: 1012 });
    expect(cancelled).toMatchObject({ status: 201, body: { id: order!.id, statusId: 1012, statusDescription: 'Cancelado' } });
    expect((await call('GET', '/control/calls')).body.ideris).toEqual(callsBefore);
    expect((await call('POST', `/control/ideris/orders/${order!.id}/status`, { privateKey: KEY, statusId: 4242 })).status).toBe(400);
    expect((await call('POST', '/control/ideris/orders/1/status', { privateKey: KEY, statusId: 1012 })).status).toBe(404);
    expect((await call('POST', `/control/ideris/orders/${order!.id}/status`, { privateKey: 'unknown', statusId: 1012 })).status).toBe(400);

    const refused = await call('PUT', '/ideris/order', { orderId: order!.id, statusId: 1009 }, auth);
    expect(refused).toMatchObject({ status: 400, body: { ModelState: { statusId: [expect.stringContaining('cancelado no marketplace')] } } });
    const read = await call('GET', `/ideris/order/${order!.id}`, undefined, auth);
    expect(read.body.obj).toMatchObject({ statusId: 1012, statusDescription: 'Cancelado' });
    const state = (await call('GET', `/control/ideris/state?privateKey=${KEY}`)).body;
    expect(state.orders).toHaveLength(1);
    expect(state.orderChanges).toEqual([
      { at: expect.any(String), orderId: order!.id, kind: 'status', by: 'api', value: '1010', previous: '1007' },
      { at: expect.any(String), orderId: order!.id, kind: 'status', by: 'marketplace', value: '1012', previous: '1010' },
      { at: expect.any(String), orderId: order!.id, kind: 'status', by: 'api', value: '1009', previous: '1012', refused: true },
    ]);
  });

  it('journals the invoice and tracking an integrator sent, each time it sends them', async () => {
    await call('POST', '/control/ideris/accounts', { privateKey: KEY, limitPerMinute: 100 });
    await call('POST', '/control/ideris/marketplaces', { privateKey: KEY });
    const [order] = (await call('POST', '/control/ideris/orders', { privateKey: KEY, count: 1 })).body as { id: number }[];
    const auth = { authorization: `Bearer ${(await call('POST', '/ideris/login', KEY)).body as string}` };
    const invoice = { orderId: order!.id, key: '3'.repeat(44), number: '1001', series: '1', issuedAt: new Date().toISOString() };
    for (let i = 0; i < 2; i++) expect((await call('POST', '/ideris/order/invoice', invoice, auth)).status).toBe(200);
    expect((await call('POST', '/ideris/order/tracking', { orderId: order!.id, trackingCode: 'QB123456789BR' }, auth)).status).toBe(200);
    const { orderChanges } = (await call('GET', `/control/ideris/state?privateKey=${KEY}`)).body;
    expect(orderChanges.map((c: { kind: string; value: string; previous?: string }) => [c.kind, c.value, c.previous])).toEqual([
      ['invoice', '3'.repeat(44), undefined],
      ['invoice', '3'.repeat(44), '3'.repeat(44)],
      ['tracking', 'QB123456789BR', undefined],
    ]);
  });

  it('journals every stock and price write an integrator made, each time, with what the SKU or listing model held before', async () => {
    await call('POST', '/control/ideris/accounts', { privateKey: KEY, limitPerMinute: 100 });
    const sku = (await call('POST', '/control/ideris/skus', { privateKey: KEY, sku: 'JRN-1', currentStock: 5 })).body as { sku: string };
    const auth = { authorization: `Bearer ${(await call('POST', '/ideris/login', KEY)).body as string}` };
    const [model] = (await call('GET', '/ideris/listingModel/search?sku=JRN-1', undefined, auth)).body.obj as { id: number }[];
    for (let i = 0; i < 2; i++) expect((await call('PUT', '/ideris/sku/stock', { sku: sku.sku, currentStock: 7 }, auth)).status).toBe(200);
    expect((await call('PUT', '/ideris/sku/stock', { sku: 'JRN-unknown', currentStock: 7 }, auth)).status).toBe(404);
    expect((await call('PUT', '/ideris/listingModel/price', { listingModelId: model!.id, value: 109.9 }, auth)).status).toBe(200);
    expect((await call('PUT', '/ideris/listingModel/price', { listingModelId: model!.id, value: 0 }, auth)).status).toBe(400);
    // A seeded change (a marketplace sale in Ideris) is not an integrator's write.
    await call('POST', '/control/ideris/skus', { privateKey: KEY, sku: 'JRN-1', currentStock: 3 });

    const { catalogChanges } = (await call('GET', `/control/ideris/state?privateKey=${KEY}`)).body;
    expect(catalogChanges).toEqual([
      { at: expect.any(String), kind: 'stock', sku: 'JRN-1', value: 7, previous: 5 },
      { at: expect.any(String), kind: 'stock', sku: 'JRN-1', value: 7, previous: 7 },
      { at: expect.any(String), kind: 'price', sku: 'JRN-1', listingModelId: model!.id, value: 109.9, previous: 99.9 },
    ]);
  });

  it('sets a carrier on an order whose coleta was generated without one, and the expedition reports it', async () => {
    await call('POST', '/control/tiny/accounts', { token: TOKEN, cnpj: '12345678000190', limitPerMinute: 100 });
    await call('POST', '/control/tiny/webhooks', { token: TOKEN, idEcommerce: 1, urls: { rastreio: 'http://127.0.0.1:9/unreachable' } });
    const created = await tinyScript('pedido.incluir', {
      pedido: JSON.stringify({ pedido: { cliente: { nome: 'Maria' }, itens: [{ item: { descricao: 'Camiseta', unidade: 'UN', quantidade: '1', valor_unitario: '49.90' } }] } }),
    });
    const id = Number(created.registros.registro.id);
    await call('POST', `/control/tiny/orders/${id}/invoice`, { token: TOKEN });
    const grouping = (await call('POST', '/control/tiny/groupings', { token: TOKEN, orderIds: [id], formaEnvio: 'T' })).body;
    await call('POST', `/control/tiny/groupings/${grouping.id}/conclude`, { token: TOKEN });
    const expedition = async () => (await tinyScript('expedicao.obter', { idObjeto: String(id), tipoObjeto: 'venda' })).expedicao;
    expect(await expedition()).toMatchObject({ formaEnvio: 'T', transportadora: { nome: '' }, agrupamento: { tipo: 'Coleta', concluido: 'S' } });
    const notified = async () => (await call('GET', `/control/tiny/webhooks/deliveries?token=${TOKEN}&kind=rastreio`)).body.notifications.length;
    const before = await notified();

    const set = await call('POST', `/control/tiny/orders/${id}/carrier`, { token: TOKEN, transportadora: 'Jadlog' });
    expect(set).toMatchObject({ status: 201, body: { formaEnvio: 'T', transportadora: 'Jadlog' } });
    expect(await expedition()).toMatchObject({ formaEnvio: 'T', transportadora: { nome: 'Jadlog' }, agrupamento: { concluido: 'S' } });
    expect(await notified()).toBe(before);
    expect((await call('POST', `/control/tiny/orders/${id}/carrier`, { token: TOKEN })).status).toBe(400);
    expect((await call('POST', `/control/tiny/orders/${id}/carrier`, { token: TOKEN, transportadora: 'X', formaEnvio: 'TT' })).status).toBe(400);
    expect((await call('POST', '/control/tiny/orders/424242/carrier', { token: TOKEN, transportadora: 'Jadlog' })).status).toBe(404);
  });

  it("journals Tiny situation changes by the seller (screens, invoices) apart from the API's, and the markers left", async () => {
    await call('POST', '/control/tiny/accounts', { token: TOKEN, cnpj: '12345678000190', limitPerMinute: 100 });
    const created = await tinyScript('pedido.incluir', {
      pedido: JSON.stringify({ pedido: { cliente: { nome: 'Maria' }, itens: [{ item: { descricao: 'Camiseta', unidade: 'UN', quantidade: '1', valor_unitario: '49.90' } }] } }),
    });
    const id = Number(created.registros.registro.id);
    expect((await call('POST', `/control/tiny/orders/${id}/situation`, { token: TOKEN, situacao: 'aprovado' })).status).toBe(201);
    expect((await call('POST', `/control/tiny/orders/${id}/invoice`, { token: TOKEN })).status).toBe(201);
    expect((await tinyScript('pedido.alterar.situacao', { id: String(id), situacao: 'enviado' })).status).toBe('OK');
    const marker = JSON.stringify({ marcadores: [{ marcador: { descricao: 'Rastreio enviado ao Ideris' } }] });
    for (let i = 0; i < 2; i++) expect((await tinyScript('pedido.marcadores.incluir', { idPedido: String(id), marcadores: marker })).status).toBe('OK');

    const state = (await call('GET', `/control/tiny/state?token=${TOKEN}`)).body;
    expect(state.orders[0]).toMatchObject({ situacao: 'enviado', marcadores: ['Rastreio enviado ao Ideris'] });
    expect(state.orderChanges.map((c: { kind: string; by: string; value: string; previous?: string; orderId: number }) => [c.orderId, c.kind, c.by, c.value, c.previous])).toEqual([
      [id, 'situation', 'seller', 'aprovado', 'aberto'],
      [id, 'situation', 'seller', 'faturado', 'aprovado'],
      [id, 'situation', 'api', 'enviado', 'faturado'],
      [id, 'marker', 'api', 'Rastreio enviado ao Ideris', undefined],
      [id, 'marker', 'api', 'Rastreio enviado ao Ideris', undefined],
    ]);
  });
});
