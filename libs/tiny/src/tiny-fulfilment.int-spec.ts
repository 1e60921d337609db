import type { NestExpressApplication } from '@nestjs/platform-express';
import { controlOf, startSandbox } from '../../../apps/sandbox/src/sandbox-app';
import { TinyApiError } from './tiny-api.error';
import { TinyClient } from './tiny-client';
import { TinyFulfilmentApi } from './tiny-fulfilment.api';

const TOKEN = 'tok-fulfilment';

describe('Tiny stock posting, dispatch, invoices and expeditions against the sandbox over HTTP', () => {
  let app: NestExpressApplication;
  let base: string;
  let client: TinyClient;
  let api: TinyFulfilmentApi;

  beforeAll(async () => {
    ({ app, base } = await startSandbox());
    client = new TinyClient({ baseUrl: `${base}/tiny/api2`, token: TOKEN });
    api = new TinyFulfilmentApi(client);
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    await control('/control/reset', {});
    await control('/control/tiny/accounts', { token: TOKEN, cnpj: '12345678000190', limitPerMinute: 240 });
    await control('/control/tiny/products', { token: TOKEN, codigo: 'SKU-1', saldo: 10 });
  });

  const control = controlOf(() => base);

  async function order(ecommerceOrderNumber: string, document = '12345678909'): Promise<string> {
    const { id } = await client.createOrder({
      ecommerceOrderNumber,
      ecommerceName: 'Loja X',
      customer: { name: 'Maria Souza', document },
      items: [{ sku: 'SKU-1', description: 'Camiseta', unit: 'UN', quantity: 2, unitPriceCents: 4990 }],
      shippingCents: 1500,
    });
    return id;
  }

  async function failure(promise: Promise<unknown>): Promise<TinyApiError> {
    try {
      await promise;
    } catch (error: unknown) {
      if (error instanceof TinyApiError) return error;
      throw error;
    }
    throw new Error('expected a TinyApiError');
  }

  it('posts an order out of stock once; a second posting is a validation error', async () => {
    const id = await order('R1');
    const [product] = await client.searchProducts('SKU-1', { exactSku: true });
    await api.postOrderStock(id);
    await expect(client.getProductStock(product.id)).resolves.toMatchObject({ balance: '8' });
    expect(await failure(api.postOrderStock(id))).toMatchObject({ kind: 'validation', code: 31 });
  });

  it('registers dispatch data on the order and its expedition', async () => {
    const id = await order('R2');
    await api.registerDispatch({ orderId: id, trackingCode: 'QB123456789BR', trackingUrl: 'https://rastreio.example/QB123456789BR?a=1&b=2', shippingMethod: 'C', freightService: 'PAC', volumes: 1 });
    await expect(client.getOrder(id)).resolves.toMatchObject({ trackingCode: 'QB123456789BR' });
    await expect(api.getExpedition({ orderId: id })).resolves.toMatchObject({ trackingCode: 'QB123456789BR', trackingUrl: 'https://rastreio.example/QB123456789BR?a=1&b=2', shippingMethod: 'C' });
    // Tiny ignores a carrier unless formaEnvio is T (official page): not an error (docs/contracts.md#tiny-despacho).
    await expect(api.registerDispatch({ orderId: id, trackingCode: 'QB123456789BR', shippingMethod: 'C', carrier: 'Jadlog' })).resolves.toBeUndefined();
    expect(await failure(api.registerDispatch({ orderId: '1', trackingCode: 'X' }))).toMatchObject({ kind: 'not-found', code: 32 });
  });

  it('reads an issued invoice: 44-digit key, DANFE link, order id, and the order now points to it', async () => {
    const id = await order('R3');
    const issued = await control<{ id: number; numero: string }>(`/control/tiny/orders/${id}/invoice`, { token: TOKEN });
    const invoice = await api.getInvoice(String(issued.id));
    expect(invoice).toMatchObject({ number: issued.numero, orderId: id, situation: 6, totalCents: 11480, customerDocument: '12345678909', ecommerceOrderNumber: 'R3' });
    expect(invoice.accessKey).toMatch(/^\d{44}$/);
    await expect(api.getInvoiceLink(String(issued.id))).resolves.toMatch(/^https:\/\/tiny\.com\.br\/doc\.view\.php\?id=\w+$/);
    await expect(client.getOrder(id)).resolves.toMatchObject({ invoiceId: String(issued.id), situation: 'faturado' });
  });

  it('reads the NF-e XML although the service answers XML, and turns an XML error answer into a typed error', async () => {
    const id = await order('R4');
    const issued = await control<{ id: number; chaveAcesso: string }>(`/control/tiny/orders/${id}/invoice`, { token: TOKEN });
    const xml = await api.getInvoiceXml(String(issued.id));
    expect(xml.startsWith('<nfeProc')).toBe(true);
    expect(xml).toContain(`<chNFe>${issued.chaveAcesso}</chNFe>`);
    expect(await failure(api.getInvoiceXml('123'))).toMatchObject({ kind: 'not-found', code: 32, messages: [{ erro: 'Nota fiscal não localizada' }] });
  });

  it('searches invoices by e-commerce number and document, with code 20 as an empty page', async () => {
    const first = await order('R5');
    await order('R6', '98765432100');
    await control(`/control/tiny/orders/${first}/invoice`, { token: TOKEN });
    const page = await api.searchInvoices({ customerDocument: '123.456.789-09' });
    expect(page.invoices.map((invoice) => invoice.ecommerceOrderNumber)).toEqual(['R5']);
    expect(page.invoices[0].accessKey).toMatch(/^\d{44}$/);
    await expect(api.searchInvoices({ ecommerceOrderNumber: 'R6' })).resolves.toEqual({ page: 1, pageCount: 0, invoices: [] });
  });

  it('follows a Correios PLP and a carrier coleta from grouping to tracking', async () => {
    const correios = await order('R7');
    const carrier = await order('R8');
    const plp = await control<{ id: number; tipo: string }>('/control/tiny/groupings', { token: TOKEN, orderIds: [correios], formaEnvio: 'C' });
    const coleta = await control<{ id: number; tipo: string }>('/control/tiny/groupings', { token: TOKEN, orderIds: [carrier], formaEnvio: 'T', transportadora: 'Jadlog' });
    expect([plp.tipo, coleta.tipo]).toEqual(['plp', 'coleta']);
    await expect(api.searchExpeditions({ shippingMethod: 'C' })).resolves.toMatchObject({ expeditions: [] });
    const grouped = await api.searchExpeditions({ shippingMethod: 'C', includeGrouped: true });
    expect(grouped.expeditions).toEqual([expect.objectContaining({ objectId: correios, groupingId: String(plp.id), groupingType: 'PLP', groupingConcluded: false })]);
    await control(`/control/tiny/groupings/${plp.id}/conclude`, { token: TOKEN });
    await control(`/control/tiny/groupings/${coleta.id}/conclude`, { token: TOKEN });
    const correiosExpedition = await api.getExpedition({ orderId: correios });
    expect(correiosExpedition.trackingCode).toMatch(/^QB\d{9}BR$/);
    expect(correiosExpedition.groupingConcluded).toBe(true);
    await expect(api.getExpedition({ orderId: carrier })).resolves.toMatchObject({ groupingType: 'Coleta', carrier: 'Jadlog', shippingMethod: 'T' });
    await expect(client.getOrder(correios)).resolves.toMatchObject({ trackingCode: correiosExpedition.trackingCode });
  });

  it('finds an expedition by its invoice id and answers 32 for an unknown one', async () => {
    const id = await order('R9');
    const issued = await control<{ id: number }>(`/control/tiny/orders/${id}/invoice`, { token: TOKEN });
    await expect(api.getExpedition({ invoiceId: String(issued.id) })).resolves.toMatchObject({ objectId: id, objectType: 'venda' });
    expect(await failure(api.getExpedition({ expeditionId: '1' }))).toMatchObject({ kind: 'not-found', code: 32 });
  });

  it('requires formaEnvio on expedicao.pesquisa (code 10)', async () => {
    expect(await failure(client.call('expedicao.pesquisa.php', {}))).toMatchObject({ kind: 'validation', code: 10 });
  });
});
