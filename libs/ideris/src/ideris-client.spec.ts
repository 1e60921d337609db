import { IderisApiError } from './ideris-api.error';
import { IderisClient } from './ideris-client';
import { IderisOrderWritesApi } from './ideris-order-writes.api';

/** A JWT as Ideris issues it (8 h); the signature is never checked by the client. */
function jwt(): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'HS256' })}.${part({ PrivateKeyId: '1', iat, exp: iat + 28_800 })}.c2ln`;
}

interface Sent {
  method: string;
  url: string;
  body?: string;
}

/** Ideris over HTTP: the login answers a JSON-string JWT; every other call answers `answer` (status, body text). */
function fakeIderis(answer: { status: number; body?: string }): { client: IderisClient; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    if (String(url).endsWith('/login')) return new Response(JSON.stringify(jwt()), { status: 200 });
    sent.push({ method: String(init.method), url: String(url), body: typeof init.body === 'string' ? init.body : undefined });
    return new Response(answer.status === 204 ? null : (answer.body ?? ''), { status: answer.status });
  }) as typeof fetch;
  return { client: new IderisClient({ baseUrl: 'https://apiv3.example', privateKey: 'k'.repeat(96), fetch: fetchImpl }), sent };
}

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return { value: await promise };
  } catch (error: unknown) {
    if (error instanceof IderisApiError) return { error: { kind: error.kind, httpStatus: error.httpStatus } };
    throw error;
  }
}

// Ideris's "not found" is 204 with no body (docs/contracts.md#ideris-order-search, #ideris-order-detail).
describe('IderisClient and a 204 No Content', () => {
  it.each([
    ['an unknown order', (client: IderisClient) => client.getOrder(4815162), { error: { kind: 'not-found', httpStatus: 204 } }],
    ['an order search with no match', (client: IderisClient) => client.searchOrders({ orderCode: '2000001' }), { value: { total: 0, orders: [] } }],
    ['a pack id with no order', (client: IderisClient) => client.findOrders({ orderPackId: '2000004444' }), { value: [] }],
    ['no marketplace account', (client: IderisClient) => client.listMarketplaceAccounts(), { value: [] }],
    ['a read-back before a retried write', (client: IderisClient) => new IderisOrderWritesApi(client).delivered(4815162), { error: { kind: 'not-found', httpStatus: 204 } }],
    ['a status write answered 204', (client: IderisClient) => new IderisOrderWritesApi(client).changeOrderStatus(4815162, 1008), { value: undefined }],
  ])('%s', async (_case, call, expected) => {
    expect(await outcome(call(fakeIderis({ status: 204 }).client))).toEqual(expected);
  });
});

describe('IderisClient requests', () => {
  it.each([
    ['the status write is PUT /order {orderId, statusId}', (client: IderisClient) => new IderisOrderWritesApi(client).changeOrderStatus(4815162, 1008), { method: 'PUT', url: 'https://apiv3.example/order', body: '{"orderId":4815162,"statusId":1008}' }],
    ['a search by marketplace code', (client: IderisClient) => client.findOrders({ orderCode: '2000008123456789' }), { method: 'GET', url: 'https://apiv3.example/order/search?orderCode=2000008123456789' }],
    ['a search by pack id', (client: IderisClient) => client.findOrders({ orderPackId: '2000004444' }), { method: 'GET', url: 'https://apiv3.example/order/search?orderPackId=2000004444' }],
  ])('%s', async (_case, call, expected) => {
    const { client, sent } = fakeIderis({ status: 200, body: '{"total":0,"obj":[]}' });
    await call(client);
    expect(sent).toEqual([{ body: undefined, ...expected }]);
  });
});
