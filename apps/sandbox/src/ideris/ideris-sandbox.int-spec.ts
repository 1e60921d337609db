import type { NestExpressApplication } from '@nestjs/platform-express';
import { startSandbox } from '../sandbox-app';

const KEY = '4d18'.repeat(24);

describe('sandbox: Ideris v3 login and bearer check', () => {
  let app: NestExpressApplication;
  let base: string;
  let now = Date.now();

  beforeAll(async () => {
    ({ app, base } = await startSandbox({ now: () => now, iderisTokenTtlSeconds: 3600 }));
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    now = Date.now();
    await postJson('/control/reset', {});
    await postJson('/control/ideris/accounts', { privateKey: KEY, limitPerMinute: 3 });
  });

  function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  }

  async function login(body: unknown): Promise<string> {
    const response = await postJson('/ideris/login', body);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.startsWith('"') && text.endsWith('"')).toBe(true);
    return JSON.parse(text) as string;
  }

  function claims(jwt: string): Record<string, unknown> {
    return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  }

  it('answers the bare-string login with a JSON string JWT carrying PrivateKeyId, iat and exp', async () => {
    const jwt = await login(KEY);
    const payload = claims(jwt);
    expect(JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString('utf8'))).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(typeof payload['PrivateKeyId']).toBe('string');
    expect(Number(payload['exp']) - Number(payload['iat'])).toBe(3600);
  });

  it('accepts the legacy {"login_token"} body and the /Login spelling', async () => {
    await login({ login_token: KEY });
    expect((await postJson('/ideris/Login', KEY)).status).toBe(200);
  });

  it('refuses unknown keys and missing, foreign or expired bearers with the ASP.NET 401', async () => {
    const refused = await postJson('/ideris/login', 'f'.repeat(96));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ Message: 'Authorization has been denied for this request.' });
    expect((await fetch(`${base}/ideris/settings/marketplace`)).status).toBe(401);
    const jwt = await login(KEY);
    const forged = `${jwt.split('.').slice(0, 2).join('.')}.AAAA`;
    expect((await fetch(`${base}/ideris/settings/marketplace`, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
    expect((await fetch(`${base}/ideris/settings/marketplace`, { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(200);
    now += 3601_000;
    expect((await fetch(`${base}/ideris/settings/marketplace`, { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(401);
  });

  it('answers 429 with Retry-After past the per-minute limit and counts the block', async () => {
    const jwt = await login(KEY);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await fetch(`${base}/ideris/settings/marketplace`, { headers: { authorization: `Bearer ${jwt}` } })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    now += 60_001;
    expect((await fetch(`${base}/ideris/settings/marketplace`, { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(200);
    const calls = (await (await fetch(`${base}/control/calls`)).json()) as { ideris: Record<string, any> };
    expect(calls.ideris[KEY]).toMatchObject({ calls: 5, blocks: 1, endpoints: { 'settings/marketplace': { ok: 4, blocks: 1 } } });
  });

  it('issues 8 h tokens by default, as Ideris v3 does (exp − iat = 28,800 s)', async () => {
    const { app: plain, base: plainBase } = await startSandbox();
    try {
      await fetch(`${plainBase}/control/ideris/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ privateKey: KEY }) });
      const answer = await fetch(`${plainBase}/ideris/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(KEY) });
      const payload = claims(JSON.parse(await answer.text()) as string);
      expect(Number(payload['exp']) - Number(payload['iat'])).toBe(28_800);
    } finally {
      await plain.close();
    }
  });

  // docs/contracts.md#ideris-order-status: the status write is PUT /order {orderId, statusId}.
  it.each([
    ['the documented write', 'PUT', '/ideris/order', (id: number) => ({ orderId: id, statusId: 1010 }), 200, { obj: { statusId: 1010 } }],
    ['the legacy body on the v3 route', 'PUT', '/ideris/order', (id: number) => ({ idPedidos: id, idNovoStatus: 1010 }), 400, { ModelState: { orderId: ['The orderId field is required.'] } }],
    ['the old route', 'PUT', '/ideris/order/status', (id: number) => ({ orderId: id, statusId: 1010 }), 405, { Message: "The requested resource does not support http method 'PUT'." }],
  ])('status write: %s', async (_case, method, path, body, status, answer) => {
    await postJson('/control/ideris/marketplaces', { privateKey: KEY });
    const [order] = (await (await postJson('/control/ideris/orders', { privateKey: KEY })).json()) as Array<{ id: number }>;
    const jwt = await login(KEY);
    const response = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` }, body: JSON.stringify(body(order.id)) });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject(answer);
  });

  it.each([
    ['an unknown order', '/ideris/order/999'],
    ['an unknown marketplace code', '/ideris/order/search?orderCode=nope'],
    ['an unknown pack id', '/ideris/order/search?orderPackId=nope'],
  ])('answers %s with 204 and no body', async (_case, path) => {
    const jwt = await login(KEY);
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('injects an Ideris 5xx for one endpoint and one account', async () => {
    const jwt = await login(KEY);
    await postJson('/control/faults', { system: 'ideris', account: KEY, endpoint: 'settings/marketplace', httpStatus: 503, times: 1 });
    const auth = { headers: { authorization: `Bearer ${jwt}` } };
    expect((await fetch(`${base}/ideris/settings/marketplace`, auth)).status).toBe(503);
    expect((await fetch(`${base}/ideris/settings/marketplace`, auth)).status).toBe(200);
  });
});
