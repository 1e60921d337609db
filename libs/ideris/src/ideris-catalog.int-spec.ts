import type { NestExpressApplication } from '@nestjs/platform-express';
import { controlOf, startSandbox } from '../../../apps/sandbox/src/sandbox-app';
import { IderisApiError } from './ideris-api.error';
import { IderisCatalogApi } from './ideris-catalog.api';
import { IderisClient } from './ideris-client';
import { IderisOrderWritesApi } from './ideris-order-writes.api';

const KEY = 'c'.repeat(96);

describe('Ideris catalogue, stock and assumed writes against the sandbox over HTTP', () => {
  let app: NestExpressApplication;
  let base: string;
  let client: IderisClient;

  beforeAll(async () => {
    ({ app, base } = await startSandbox());
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    await control('/control/reset', {});
    await control('/control/ideris/accounts', { privateKey: KEY, limitPerMinute: 500 });
    client = new IderisClient({ baseUrl: `${base}/ideris`, privateKey: KEY });
  });

  const control = controlOf(() => base);

  async function failure(promise: Promise<unknown>): Promise<IderisApiError> {
    try {
      await promise;
    } catch (error: unknown) {
      if (error instanceof IderisApiError) return error;
      throw error;
    }
    throw new Error('expected an IderisApiError');
  }

  it('lists the status catalogue with 1007 "Aberto"', async () => {
    const statuses = await new IderisCatalogApi(client).listStatuses();
    expect(statuses).toContainEqual(expect.objectContaining({ id: 1007, description: 'Aberto' }));
  });

  it('decides a stock value only once the call is granted, sends nothing when told so, and pages all SKUs', async () => {
    await control('/control/ideris/skus', { privateKey: KEY, sku: 'LATE-1', currentStock: 1 });
    const catalog = new IderisCatalogApi(client);
    let decidedAt = 0;
    const asked = Date.now();
    await expect(catalog.setLatestSkuStock('LATE-1', async () => ((decidedAt = Date.now()), 9))).resolves.toBe(9);
    expect(decidedAt).toBeGreaterThanOrEqual(asked);
    await expect(catalog.setLatestSkuStock('LATE-1', async () => undefined)).resolves.toBeUndefined();
    await expect(catalog.searchSkus(['LATE-1'])).resolves.toEqual([expect.objectContaining({ currentStock: 9 })]);
    expect((await failure(catalog.setLatestSkuStock('LATE-1', async () => -1))).kind).toBe('validation');
    const stats = (await (await fetch(`${base}/control/calls`)).json()) as { ideris: Record<string, { endpoints: Record<string, { calls: number }> }> };
    expect(stats.ideris[KEY]!.endpoints['sku/stock']!.calls).toBe(1);
    await expect(catalog.skuPage(0, 50)).resolves.toEqual({ skus: [expect.objectContaining({ sku: 'LATE-1' })], total: 1 });
  });

  it('searches SKUs with a repeated sku parameter and walks past the 50-row page cap', async () => {
    for (let index = 0; index < 55; index += 1) await control('/control/ideris/skus', { privateKey: KEY, sku: `SKU-${index}`, currentStock: index });
    const catalog = new IderisCatalogApi(client);
    await expect(catalog.searchSkus(['SKU-3', 'SKU-7'])).resolves.toEqual([
      expect.objectContaining({ sku: 'SKU-3', currentStock: 3 }),
      expect.objectContaining({ sku: 'SKU-7', currentStock: 7 }),
    ]);
    await expect(catalog.searchSkus()).resolves.toHaveLength(55);
    await expect(catalog.searchSkus(['NOPE'])).resolves.toEqual([]);
  });

  it('sets absolute stock (a retry leaves the same quantity) and reports an unknown SKU as not found', async () => {
    await control('/control/ideris/skus', { privateKey: KEY, sku: 'CAM-AZ-M', currentStock: 10 });
    const catalog = new IderisCatalogApi(client);
    await catalog.setSkuStock('CAM-AZ-M', 4);
    await catalog.setSkuStock('CAM-AZ-M', 4);
    await expect(catalog.searchSkus(['CAM-AZ-M'])).resolves.toEqual([expect.objectContaining({ currentStock: 4 })]);
    expect(await failure(catalog.setSkuStock('NOPE', 1))).toMatchObject({ kind: 'not-found', httpStatus: 404 });
    expect(await failure(catalog.setSkuStock('CAM-AZ-M', -1))).toMatchObject({ kind: 'validation' });
  });

  it('creates a listing model with variants (ASSUMED contract), finds it by a variant SKU and reprices it', async () => {
    const catalog = new IderisCatalogApi(client);
    const model = await catalog.createListingModel({ sku: 'CAM', title: 'Camiseta', value: 79.9, variants: [{ sku: 'CAM-P', quantity: 2 }, { sku: 'CAM-M' }] });
    expect(model.variants.map((variant) => variant.sku)).toEqual(['CAM-P', 'CAM-M']);
    await expect(catalog.searchListingModels({ sku: 'CAM-P' })).resolves.toEqual([expect.objectContaining({ id: model.id, value: 79.9 })]);
    await catalog.setListingModelPrice(model.id, 89.9);
    await catalog.updateListingModel(model.id, { title: 'Camiseta Nova' });
    await expect(catalog.searchListingModels({ id: model.id })).resolves.toEqual([expect.objectContaining({ value: 89.9, title: 'Camiseta Nova' })]);
    expect(await failure(catalog.createListingModel({ sku: 'CAM-P', title: 'Dup', value: 1 }))).toMatchObject({ httpStatus: 409, kind: 'validation' });
    await expect(catalog.searchSkus(['CAM-P'])).resolves.toEqual([expect.objectContaining({ currentStock: 2 })]);
  });

  it('writes a full listing model (EAN, NCM, weights, images, attributes, kit) and reads it back page by page', async () => {
    const catalog = new IderisCatalogApi(client);
    await catalog.createListingModel({ sku: 'MEIA', title: 'Meia', value: 9.9 });
    const model = await catalog.createListingModel({
      sku: 'TEN',
      title: 'Tênis',
      value: 199.9,
      cost: 80,
      ean: '7891234567895',
      ncm: '64039990',
      weightGrams: 900,
      packageWeightGrams: 1200,
      packageHeightCm: 12,
      packageWidthCm: 20,
      packageLengthCm: 32,
      images: ['https://img.example/ten-1.jpg', 'https://img.example/ten-2.jpg'],
      variants: [{ sku: 'TEN-40', quantity: 1, ean: '7890000000017', attributes: { Numero: '40' } }],
    });
    expect(model).toMatchObject({
      packageWeightGrams: 1200,
      packageLengthCm: 32,
      images: ['https://img.example/ten-1.jpg', 'https://img.example/ten-2.jpg'],
      variants: [expect.objectContaining({ sku: 'TEN-40', skuId: expect.any(Number), attributes: { Numero: '40' } })],
      kit: [],
    });
    const kit = await catalog.createListingModel({ sku: 'KIT', title: 'Kit', value: 20, kit: [{ sku: 'MEIA', quantity: 2 }] });
    expect(kit.kit).toEqual([{ sku: 'MEIA', quantity: 2 }]);

    const [sku] = await catalog.searchSkus(['TEN']);
    expect(sku).toMatchObject({ ean: '7891234567895', ncmId: expect.any(Number) });
    await expect(catalog.getNcm(sku.ncmId!)).resolves.toEqual({ id: sku.ncmId, code: '64039990' });
    await expect(catalog.getNcm(1)).resolves.toBeUndefined();

    const updated = await catalog.updateListingModel(model.id, { variants: [{ sku: 'TEN-41', attributes: { Numero: '41' } }], images: ['https://img.example/ten-3.png'] });
    expect(updated).toMatchObject({ images: ['https://img.example/ten-3.png'], variants: [expect.objectContaining({ sku: 'TEN-40' }), expect.objectContaining({ sku: 'TEN-41' })] });
    await expect(catalog.listingModelPage(0)).resolves.toMatchObject({ total: 3, models: [expect.objectContaining({ sku: 'MEIA' }), expect.objectContaining({ sku: 'TEN' }), expect.objectContaining({ sku: 'KIT' })] });
    await expect(catalog.listingModelPage(2)).resolves.toMatchObject({ total: 3, models: [expect.objectContaining({ sku: 'KIT' })] });
    expect(await failure(catalog.createListingModel({ sku: 'BAD', title: 'Bad', value: 1, kit: [{ sku: 'NOPE', quantity: 1 }] }))).toMatchObject({ kind: 'validation', httpStatus: 400 });
  });

  it('changes an order status, submits invoice and tracking (ASSUMED contracts) and reads them on the order', async () => {
    await control('/control/ideris/marketplaces', { privateKey: KEY });
    const [order] = await control<Array<{ id: number }>>('/control/ideris/orders', { privateKey: KEY });
    const writes = new IderisOrderWritesApi(client);
    await expect(writes.delivered(order.id)).resolves.toEqual({ invoiceKey: undefined, trackingCode: undefined });
    await writes.changeOrderStatus(order.id, 1010);
    await writes.submitInvoice({ orderId: order.id, key: '3'.repeat(44), number: '1523', series: '1', issuedAt: new Date('2024-06-05T12:00:00Z'), danfeUrl: 'https://tiny.com.br/doc.view.php?id=abc' });
    await writes.submitTracking({ orderId: order.id, trackingCode: 'QB123456789BR', carrier: 'Correios' });
    const read = await client.getOrder(order.id);
    expect(read).toMatchObject({ statusId: 1010, statusDescription: 'Faturado' });
    expect(read.raw).toMatchObject({ deliveryTrackingCode: 'QB123456789BR', invoice: { key: '3'.repeat(44), number: '1523' } });
    await expect(writes.delivered(order.id)).resolves.toEqual({ invoiceKey: '3'.repeat(44), trackingCode: 'QB123456789BR' });
    expect(await failure(writes.changeOrderStatus(order.id, 1))).toMatchObject({ kind: 'validation', httpStatus: 400 });
    expect(await failure(writes.changeOrderStatus(1, 1007))).toMatchObject({ kind: 'not-found' });
    expect(await failure(writes.submitInvoice({ orderId: order.id, key: '123', number: '1', series: '1', issuedAt: new Date() }))).toMatchObject({ kind: 'validation' });
  });

  it('creates a reproducible order peak over several marketplace accounts with the documented oddities', async () => {
    const peak = await control<{ created: number; marketplaces: number[]; buyers: number }>('/control/ideris/orders/peak', {
      privateKey: KEY,
      orders: 300,
      accounts: 4,
      repeatBuyerRate: 0.3,
      missingEmailRate: 0.2,
      nullSkuRate: 0.1,
      kitRate: 0.2,
      seed: 7,
    });
    expect(peak.created).toBe(300);
    expect(peak.marketplaces).toHaveLength(4);
    expect(peak.buyers).toBeLessThan(300);
    const walk = await client.walkOrders({ startDate: new Date(Date.now() - 3600_000), endDate: new Date(Date.now() + 60_000) });
    expect(walk.orders).toHaveLength(300);
    const orders = walk.orders;
    expect(new Set(orders.map((order) => order.authenticationId)).size).toBe(4);
    expect(orders.some((order) => order.customerEmail === undefined)).toBe(true);
    expect(orders.some((order) => order.items.some((item) => item.sku === null))).toBe(true);
    expect(orders.some((order) => order.items.length > 1)).toBe(true);
    expect(orders.some((order) => order.items.some((item) => /-(P|M|G)$/.test(item.sku ?? '')))).toBe(true);
  });
});
