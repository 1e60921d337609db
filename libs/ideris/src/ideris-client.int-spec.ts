import type { NestExpressApplication } from '@nestjs/platform-express';
import { controlOf, startSandbox } from '../../../apps/sandbox/src/sandbox-app';
import { IderisApiError } from './ideris-api.error';
import { IderisClient } from './ideris-client';

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
    expect(credentials.expiresAt.getTime()).toBeGreaterThan(before + 23 * 3600_000);
    expect(credentials.expiresAt.getTime()).toBeLessThanOrEqual(before + 24 * 3600_000 + 1000);
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

  it('renews the token 60 s before it expires, not earlier', async () => {
    await account({ tokenTtlSeconds: 120 });
    let skew = 0;
    const ideris = client(() => Date.now() + skew);
    await ideris.listMarketplaceAccounts();
    skew = 50_000;
    await ideris.listMarketplaceAccounts();
    expect(await logins()).toBe(1);
    skew = 61_000;
    await ideris.listMarketplaceAccounts();
    expect(await logins()).toBe(2);
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

  it('maps the empty-window 404, the unknown order 404 and the 500 page of a corrupt record', async () => {
    await account();
    const ideris = client();
    expect(await failure(ideris.searchOrders({ offset: 0 }))).toMatchObject({ kind: 'not-found', httpStatus: 404 });
    expect(await failure(ideris.getOrder(999))).toMatchObject({ kind: 'not-found' });
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
