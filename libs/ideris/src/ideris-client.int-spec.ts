import type { NestExpressApplication } from '@nestjs/platform-express';
import { controlOf, startSandbox } from '../../../apps/sandbox/src/sandbox-app';
import { IderisApiError } from './ideris-api.error';
import { IderisClient } from './ideris-client';
import { IderisOrderWritesApi } from './ideris-order-writes.api';
import { mapIderisOrderDetail } from './ideris-order-detail.models';

const KEY = 'a'.repeat(96);

describe('IderisClient against the sandbox over HTTP', () => {
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    ({ app, base } = await startSandbox());
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    await control('/control/reset', {});
  });

  const control = controlOf(() => base);

  async function logins(): Promise<number> {
    const accounts = (await (await fetch(`${base}/control/ideris/accounts`)).json()) as Array<{ logins: number }>;
    return accounts[0]?.logins ?? 0;
  }

  async function account(options: { limitPerMinute?: number; tokenTtlSeconds?: number } = {}): Promise<{ privateKeyId: string; marketplaceId: number }> {
    const { privateKeyId } = await control<{ privateKeyId: string }>('/control/ideris/accounts', { privateKey: KEY, ...options });
    const { id } = await control<{ id: number }>('/control/ideris/marketplaces', { privateKey: KEY, marketplaceName: 'Mercado Livre', name: 'LOJA_A' });
    return { privateKeyId, marketplaceId: id };
  }

  function client(now?: () => number): IderisClient {
    return new IderisClient({ baseUrl: `${base}/ideris`, privateKey: KEY, now });
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

  it('logs in with the bare-string key and reads PrivateKeyId and exp from the JSON-string JWT', async () => {
    const { privateKeyId } = await account();
    const before = Date.now();
    const credentials = await client().verifyCredentials();
    expect(credentials.privateKeyId).toBe(privateKeyId);
    // v3 tokens live 8 h (docs/contracts.md#ideris-login).
    expect(credentials.expiresAt.getTime()).toBeGreaterThan(before + 8 * 3600_000 - 2000);
    expect(credentials.expiresAt.getTime()).toBeLessThanOrEqual(before + 8 * 3600_000 + 1000);
  });

  it('reports an unknown key as an auth error with the ASP.NET message', async () => {
    await account();
    const stranger = new IderisClient({ baseUrl: `${base}/ideris`, privateKey: 'b'.repeat(96) });
    const error = await failure(stranger.verifyCredentials());
    expect(error).toMatchObject({ kind: 'auth', httpStatus: 401, detail: 'Authorization has been denied for this request.' });
  });

  it('shares one login between concurrent first calls', async () => {
    await account();
    const ideris = client();
    const results = await Promise.all(Array.from({ length: 6 }, () => ideris.listMarketplaceAccounts()));
    expect(results.every((list) => list.length === 1 && list[0]?.name === 'LOJA_A')).toBe(true);
    expect(await logins()).toBe(1);
  });

  it('logs in again and retries once when a call answers 401', async () => {
    await account();
    const ideris = client();
    await ideris.listMarketplaceAccounts();
    await control('/control/ideris/revoke-tokens', { privateKey: KEY });
    await expect(ideris.listMarketplaceAccounts()).resolves.toHaveLength(1);
    expect(await logins()).toBe(2);
  });

  // The sandbox issues 8 h tokens as Ideris does; the client's clock is moved forward (the sandbox's stays), so the only
  // way a second login can happen is the client renewing on its own, before any 401.
  it.each([
    ['7 h 47 min', (7 * 60 + 47) * 60_000, 1],
    ['7 h 49 min', (7 * 60 + 49) * 60_000, 2],
  ])('renews an 8 h token at 7 h 48 min, before it expires: at %s, %i login(s)', async (_at, skewMs, expected) => {
    await account();
    let skew = 0;
    const ideris = client(() => Date.now() + skew);
    await ideris.listMarketplaceAccounts();
    skew = skewMs;
    await expect(ideris.listMarketplaceAccounts()).resolves.toHaveLength(1);
    expect(await logins()).toBe(expected);
  });

  it('renews a short-lived token before the sandbox expires it (tokenTtlSeconds control)', async () => {
    await account({ tokenTtlSeconds: 2 });
    const ideris = client();
    await ideris.listMarketplaceAccounts();
    await new Promise((resolve) => setTimeout(resolve, 1960));
    await ideris.listMarketplaceAccounts();
    const calls = (await (await fetch(`${base}/control/calls`)).json()) as { ideris: Record<string, { endpoints: Record<string, { ok: number; error?: number }> }> };
    expect(await logins()).toBe(2);
    expect(calls.ideris[KEY]?.endpoints['settings/marketplace']).toMatchObject({ ok: 2 });
  });

  it('reports 429 as rate-limited with Retry-After once the per-minute limit is spent', async () => {
    await account({ limitPerMinute: 2 });
    const ideris = client();
    await ideris.listMarketplaceAccounts();
    await ideris.listMarketplaceAccounts();
    const error = await failure(ideris.listMarketplaceAccounts());
    expect(error).toMatchObject({ kind: 'rate-limited', httpStatus: 429 });
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('gets at most 50 orders per page whatever limit asks, with the real total', async () => {
    await account();
    await control('/control/ideris/orders', { privateKey: KEY, count: 60, approved: '2025-08-20T10:00:00-03:00' });
    const page = await client().searchOrders({ limit: 100, offset: 0 });
    expect(page.total).toBe(60);
    expect(page.orders).toHaveLength(50);
    const rest = await client().searchOrders({ limit: 100, offset: 50 });
    expect(rest.orders).toHaveLength(10);
    expect(new Set([...page.orders, ...rest.orders].map((order) => order.id)).size).toBe(60);
  });

  it('filters by repeated statusId and by the date window', async () => {
    await account();
    await control('/control/ideris/orders', { privateKey: KEY, count: 2, statusId: 1007, approved: '2025-08-20T10:00:00-03:00' });
    await control('/control/ideris/orders', { privateKey: KEY, count: 3, statusId: 1009, approved: '2025-08-20T11:00:00-03:00' });
    await control('/control/ideris/orders', { privateKey: KEY, count: 4, statusId: 1012, approved: '2025-08-22T11:00:00-03:00' });
    const ideris = client();
    expect((await ideris.searchOrders({ statusIds: [1007, 1009] })).total).toBe(5);
    const window = await ideris.searchOrders({ startDate: new Date('2025-08-20T13:30:00Z'), endDate: new Date('2025-08-21T00:00:00Z') });
    expect(window.total).toBe(3);
    expect(window.orders.every((order) => order.statusDescription === 'Expedição')).toBe(true);
  });

  it('reads the 204 of an empty search as no orders and of an unknown order as not-found; a window past the end is a 404', async () => {
    await account();
    const ideris = client();
    expect(await ideris.searchOrders({ offset: 0 })).toEqual({ total: 0, orders: [] });
    expect(await failure(ideris.getOrder(999))).toMatchObject({ kind: 'not-found', httpStatus: 204 });
    await expect(new IderisOrderWritesApi(ideris).delivered(999)).rejects.toMatchObject({ kind: 'not-found' });
    await control('/control/ideris/orders', { privateKey: KEY, count: 2 });
    expect(await failure(ideris.searchOrders({ offset: 50 }))).toMatchObject({ kind: 'not-found', httpStatus: 404 });
  });

  it('finds orders by marketplace code and by pack id (orderCode / orderPackId), none being an empty list', async () => {
    await account();
    const [single] = await control<Array<{ id: number; code: string }>>('/control/ideris/orders', { privateKey: KEY, count: 1 });
    const pack = await control<Array<{ id: number }>>('/control/ideris/orders', { privateKey: KEY, count: 2, packId: '2000004444' });
    const ideris = client();
    expect((await ideris.findOrders({ orderCode: single.code })).map((order) => order.id)).toEqual([single.id]);
    expect((await ideris.findOrders({ orderPackId: '2000004444' })).map((order) => order.id).sort()).toEqual(pack.map((order) => order.id).sort());
    expect(await ideris.findOrders({ orderCode: 'nope' })).toEqual([]);
    expect(await ideris.findOrders({ orderPackId: 'nope' })).toEqual([]);
  });

  it('reads packId, codeProduct and productVariation of the order detail', async () => {
    await account();
    const items = [{ sku: null, codeProduct: 'MLB3311', title: 'Camiseta', quantity: 1, price: 59.9, productVariation: [{ name: 'Cor', value: 'Azul' }] }];
    const [created] = await control<Array<{ id: number }>>('/control/ideris/orders', { privateKey: KEY, packId: '2000005555', items });
    const detail = mapIderisOrderDetail((await client().getOrder(created.id)).raw);
    expect(detail).toMatchObject({ cartCode: '2000005555', items: [{ sku: null, listingCode: 'MLB3311', variation: 'Cor: Azul', attributes: [{ name: 'Cor', value: 'Azul' }], unitPriceCents: 5990 }] });
  });

  it('writes an order status with PUT /order {orderId, statusId}', async () => {
    await account();
    const [created] = await control<Array<{ id: number }>>('/control/ideris/orders', { privateKey: KEY });
    const ideris = client();
    await new IderisOrderWritesApi(ideris).changeOrderStatus(created.id, 1010);
    expect((await ideris.getOrder(created.id)).statusId).toBe(1010);
    expect(await failure(new IderisOrderWritesApi(ideris).changeOrderStatus(999, 1010))).toMatchObject({ kind: 'not-found', httpStatus: 404 });
  });

  it('maps the 500 page of a corrupt record', async () => {
    await account();
    const ideris = client();
    const [bad] = await control<Array<{ id: number }>>('/control/ideris/orders', { privateKey: KEY, corruptQuantity: '300O' });
    const error = await failure(ideris.searchOrders({}));
    expect(error).toMatchObject({ kind: 'transient', httpStatus: 500 });
    expect(error.detail).toContain("'300O'");
    expect(await failure(ideris.getOrder(bad.id))).toMatchObject({ httpStatus: 500 });
  });

  it('reads one order by id with its null-able fields', async () => {
    const { marketplaceId } = await account();
    const orders = await control<Array<{ id: number }>>('/control/ideris/orders', { privateKey: KEY, count: 7 });
    const order = await client().getOrder(orders[6].id);
    expect(order).toMatchObject({ id: orders[6].id, authenticationId: marketplaceId, statusId: 1007, statusDescription: 'Aberto' });
    expect(order.customerEmail).toBeUndefined();
    expect(order.approved).toBeInstanceOf(Date);
  });

  it('walks every order past the page cap, isolating a corrupt record and surviving an early 404', async () => {
    await account({ limitPerMinute: 1000 });
    await control('/control/ideris/orders', { privateKey: KEY, count: 60, approved: '2025-08-20T10:00:00-03:00' });
    const [bad] = await control<Array<{ id: number }>>('/control/ideris/orders', { privateKey: KEY, corruptQuantity: '300O', approved: '2025-08-20T11:00:00-03:00' });
    await control('/control/ideris/orders', { privateKey: KEY, count: 59, approved: '2025-08-20T12:00:00-03:00' });
    await control('/control/faults', { system: 'ideris', account: KEY, endpoint: 'order/search', httpStatus: 404, skip: 1, times: 1 });
    const walk = await client().walkOrders();
    expect(walk.total).toBe(120);
    expect(walk.orders).toHaveLength(119);
    expect(walk.orders.some((order) => order.id === bad.id)).toBe(false);
    expect(walk.unreadable).toEqual([{ offset: 60, limit: 1, reason: 'server-error', detail: "Input string '300O' was not in a correct format." }]);
  });
});
