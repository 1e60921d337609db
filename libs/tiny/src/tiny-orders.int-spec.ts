import type { NestExpressApplication } from '@nestjs/platform-express';
import { controlOf, startSandbox } from '../../../apps/sandbox/src/sandbox-app';
import { TinyApiError } from './tiny-api.error';
import { TinyClient } from './tiny-client';
import type { TinyOrderDraft } from './tiny-order.models';

const TOKEN = 'tok-orders';

describe('TinyClient orders and stock against the sandbox', () => {
  let app: NestExpressApplication;
  let base: string;
  let client: TinyClient;

  beforeAll(async () => {
    ({ app, base } = await startSandbox());
    client = new TinyClient({ baseUrl: `${base}/tiny/api2`, token: TOKEN });
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    await control('/control/reset', {});
    await control('/control/tiny/accounts', { token: TOKEN, cnpj: '12345678000190', limitPerMinute: 600 });
  });

  const control = controlOf(() => base);

  async function failure(promise: Promise<unknown>): Promise<TinyApiError> {
    try {
      await promise;
    } catch (error: unknown) {
      if (error instanceof TinyApiError) return error;
      throw error;
    }
    throw new Error('expected a TinyApiError');
  }

  function draft(overrides: Partial<TinyOrderDraft> = {}): TinyOrderDraft {
    return {
      orderDate: new Date('2024-06-05T15:00:00Z'),
      ecommerceOrderNumber: 'R123456',
      ecommerceName: 'Loja X',
      customer: { name: 'Maria Teste', personType: 'F', document: '123.456.789-09', email: 'm@x.com' },
      items: [{ sku: 'SKU-1', description: 'Camiseta P', unit: 'UN', quantity: 2, unitPriceCents: 4990 }],
      shippingCents: 1500,
      ...overrides,
    };
  }

  it('creates an order and reads it back with coerced types and the situation as a code', async () => {
    const created = await client.createOrder(draft());
    expect(created.id).toMatch(/^\d+$/);
    expect(created.id).not.toBe(created.number);
    const order = await client.getOrder(created.id);
    expect(order).toMatchObject({
      id: created.id,
      number: created.number,
      ecommerceOrderNumber: 'R123456',
      situation: 'aberto',
      situationText: 'Em aberto',
      customerDocument: '12345678909',
      totalCents: 11480,
      shippingCents: 1500,
      invoiceId: undefined,
    });
    expect(order.items).toEqual([{ productId: undefined, sku: 'SKU-1', description: 'Camiseta P', unit: 'UN', quantity: '2', unitPriceCents: 4990 }]);
    expect(order.orderDate?.toISOString()).toBe('2024-06-05T03:00:00.000Z');
  });

  it('reports the duplicate registro (code 30 inside a registros array) as kind duplicate', async () => {
    await client.createOrder(draft());
    expect(await failure(client.createOrder(draft()))).toMatchObject({ kind: 'duplicate', code: 30, messages: [{ erro: 'Registro em duplicidade' }] });
  });

  it('reports validation problems with every message Tiny gave', async () => {
    const error = await failure(client.createOrder(draft({ customer: { name: '' }, items: [] })));
    expect(error.kind).toBe('validation');
    expect(error.code).toBe(31);
    expect(error.messages.length).toBe(2);
  });

  it('reports an unknown order as not-found (code 32)', async () => {
    expect(await failure(client.getOrder('999'))).toMatchObject({ kind: 'not-found', code: 32 });
  });

  it('searches by e-commerce number and returns an empty page (not an error) for code 20', async () => {
    const created = await client.createOrder(draft());
    const page = await client.searchOrders({ ecommerceOrderNumber: 'R123456' });
    expect(page).toMatchObject({ page: 1, pageCount: 1 });
    expect(page.orders).toHaveLength(1);
    expect(page.orders[0]).toMatchObject({ id: created.id, situation: 'aberto', totalCents: 11480 });
    await expect(client.searchOrders({ ecommerceOrderNumber: 'NOPE' })).resolves.toEqual({ page: 1, pageCount: 0, orders: [] });
  });

  it('finds orders changed since an instant (dataAtualizacao in São Paulo time)', async () => {
    const before = new Date(Date.now() - 2000);
    const created = await client.createOrder(draft());
    expect((await client.searchOrders({ updatedSince: before })).orders.map((order) => order.id)).toEqual([created.id]);
    expect((await client.searchOrders({ updatedSince: new Date(Date.now() + 60_000) })).orders).toEqual([]);
  });

  it('changes the situation with a code and reads the description back as the same code', async () => {
    const { id } = await client.createOrder(draft());
    await client.changeOrderSituation(id, 'pronto_envio');
    expect(await client.getOrder(id)).toMatchObject({ situation: 'pronto_envio', situationText: 'Pronto para envio' });
    expect(await failure(client.changeOrderSituation('999', 'enviado'))).toMatchObject({ kind: 'not-found' });
  });

  it('reads and sets stock per deposit; a repeated absolute balance creates no movement', async () => {
    const product = await control<{ id: number }>('/control/tiny/products', { token: TOKEN, codigo: 'SKU-1', nome: 'Camiseta P', saldo: 10, saldoReservado: 2 });
    const stock = await client.getProductStock(String(product.id));
    expect(stock).toMatchObject({ productId: String(product.id), sku: 'SKU-1', balance: '10', reserved: '2', deposits: [{ name: 'Geral', balance: '10', ignored: false }] });
    await expect(client.updateProductStock({ productId: String(product.id), type: 'B', quantity: 7 })).resolves.toEqual({
      balance: '7',
      reserved: '2',
      movementCreated: true,
    });
    await expect(client.updateProductStock({ productId: String(product.id), type: 'B', quantity: 7 })).resolves.toMatchObject({ movementCreated: false });
    await expect(client.updateProductStock({ productId: String(product.id), type: 'S', quantity: '1.5' })).resolves.toMatchObject({ balance: '5.5' });
  });

  it('post-filters the fuzzy product search by exact SKU, also when Tiny returns the code as a number', async () => {
    await control('/control/tiny/products', { token: TOKEN, codigo: 'SKU-1' });
    await control('/control/tiny/products', { token: TOKEN, codigo: 'SKU-10' });
    await control('/control/tiny/products', { token: TOKEN, codigo: '12345' });
    expect(await client.searchProducts('SKU-1')).toHaveLength(2);
    expect((await client.searchProducts('SKU-1', { exactSku: true })).map((product) => product.sku)).toEqual(['SKU-1']);
    expect((await client.searchProducts('12345', { exactSku: true })).map((product) => product.sku)).toEqual(['12345']);
    await expect(client.searchProducts('missing')).resolves.toEqual([]);
  });
});
