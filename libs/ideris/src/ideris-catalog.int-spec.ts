import type { NestExpressApplication } from '@nestjs/platform-express';
import { createSandboxApp, sandboxUrl } from '../../../apps/sandbox/src/sandbox-app';
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
    app = await createSandboxApp({ logRequests: false });
    await app.listen(0, '127.0.0.1');
    base = sandboxUrl(app);
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    await control('/control/reset', {});
    await control('/control/ideris/accounts', { privateKey: KEY, limitPerMinute: 500 });
    client = new IderisClient({ baseUrl: `${base}/ideris`, privateKey: KEY });
  });

  async function control<T = unknown>(path: string, body: unknown): Promise<T> {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.ok).toBe(true);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

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
