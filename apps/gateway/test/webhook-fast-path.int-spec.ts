import { JetStreamConnection } from '@hub/messaging';
import { dropSchema } from '@hub/testing';
import { WebhookConnectionCache } from '../src/webhooks/webhook-connection.cache';
import { createSandboxConnection, SELLER, startGateway, type GatewayHarness } from './gateway-harness';

const estoque = (saldo: number) => JSON.stringify({ versao: '1.0.0', cnpj: SELLER.cnpj, idEcommerce: 777, tipo: 'estoque', dados: { tipoEstoque: 'F', saldo, idProduto: 1, sku: 'FP-1', skuMapeamento: 'FP-1', skuMapeamentoPai: '' } });

/**
 * The raw fast path in front of Nest (ADR 0026) and the Nest controller behind it answer alike: the same request
 * through each (the fast path takes /webhooks/tiny/…, Nest still routes /Webhooks/Tiny/… — express is not case
 * sensitive) gets the same status, body and content type; a failed PubAck or a failing dependency is 503 with
 * Retry-After on both.
 */
describe('Tiny webhook fast path and the Nest controller answer alike', () => {
  let h: GatewayHarness;
  let active: { id: string; webhookUrls: Record<string, string> };
  let inactive: { id: string; webhookUrls: Record<string, string> };

  beforeAll(async () => {
    h = await startGateway();
    active = await createSandboxConnection(h);
    expect((await h.api('POST', `/api/v1/connections/${active.id}/activate`)).status).toBe(200);
    inactive = await createSandboxConnection(h);
  });

  afterAll(async () => {
    await h?.close();
    await dropSchema(h.schema);
  });

  afterEach(() => jest.restoreAllMocks());

  const local = (url: string) => url.replace('http://hub.example.test', h.url);
  const viaNest = (url: string) => local(url).replace('/webhooks/tiny/', '/Webhooks/Tiny/');
  async function post(url: string, body: string, headers: Record<string, string> = {}) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: res.status, type: res.headers.get('content-type'), retryAfter: res.headers.get('retry-after'), correlation: res.headers.get('x-correlation-id'), etag: res.headers.get('etag'), body: (await res.json()) as any };
  }
  /** One answer through each path; sequence numbers differ between two stored notifications, nothing else. */
  async function both(url: string, body: () => string) {
    const fast = await post(local(url), body());
    const nest = await post(viaNest(url), body());
    for (const a of [fast, nest]) if (typeof a.body?.sequence === 'number') a.body.sequence = 'n';
    // Express adds an ETag to what it sends; the fast path does not compute one: proof each path was taken.
    expect([fast.etag, typeof nest.etag]).toEqual([null, 'string']);
    return { fast: { ...fast, etag: undefined }, nest: { ...nest, etag: undefined } };
  }

  it.each([
    ['accepted', () => active.webhookUrls['estoque']!, () => estoque(Math.random())],
    ['ping', () => active.webhookUrls['estoque']!, () => ''],
    ['malformed JSON', () => active.webhookUrls['estoque']!, () => '{"cnpj'],
    ['refused envelope', () => active.webhookUrls['estoque']!, () => JSON.stringify({ tipo: 'precos', cnpj: SELLER.cnpj, dados: {} })],
    ['inactive connection', () => inactive.webhookUrls['estoque']!, () => estoque(1)],
    ['bad secret', () => active.webhookUrls['estoque']!.replace(/\/[A-Za-z0-9_-]{32}\//, '/wrongsecretwrongsecretwrongsecre/'), () => estoque(1)],
    ['unknown connection', () => active.webhookUrls['estoque']!.replace(/tiny\/[0-9a-f-]{36}/, 'tiny/00000000-0000-4000-8000-000000000000'), () => estoque(1)],
    ['an oversized body (413)', () => active.webhookUrls['estoque']!, () => JSON.stringify({ pad: 'x'.repeat(70 * 1024) })],
    ['no kind in the URL', () => active.webhookUrls['estoque']!.replace(/\/estoque$/, ''), () => estoque(2)],
  ])('%s', async (_name, url, body) => {
    const { fast, nest } = await both(url(), body);
    expect(fast).toEqual({ ...nest, correlation: expect.any(String) });
    expect(fast.type).toBe('application/json; charset=utf-8');
  });

  it('echoes a sane caller correlation id, like every other route', async () => {
    expect((await post(local(active.webhookUrls['estoque']!), estoque(3), { 'x-correlation-id': 'tiny-retry-42' })).correlation).toBe('tiny-retry-42');
  });

  it('a PubAck that fails: 503 with Retry-After, the same on both paths', async () => {
    const timedOut = { publish: () => Promise.reject(Object.assign(new Error('TIMEOUT'), { code: 'TIMEOUT' })) };
    jest.spyOn(h.app.get(JetStreamConnection), 'js', 'get').mockReturnValue(timedOut as unknown as JetStreamConnection['js']);
    const { fast, nest } = await both(active.webhookUrls['estoque']!, () => estoque(4));
    expect(fast).toMatchObject({ status: 503, retryAfter: expect.stringMatching(/^\d+$/), body: { statusCode: 503, error: 'Service Unavailable', message: 'the notification could not be stored; retry later' } });
    expect(fast).toEqual({ ...nest, correlation: expect.any(String) });
  });

  it('a dependency failing before the PubAck (the connection lookup): 503 with Retry-After, never a 500, the same on both paths', async () => {
    jest.spyOn(h.app.get(WebhookConnectionCache), 'get').mockRejectedValue(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    const { fast, nest } = await both(active.webhookUrls['estoque']!, () => estoque(5));
    expect(fast).toMatchObject({ status: 503, retryAfter: expect.stringMatching(/^\d+$/), body: { statusCode: 503, error: 'Service Unavailable', message: 'a dependency (database or message broker) is unavailable; retry later' } });
    expect(fast).toEqual({ ...nest, correlation: expect.any(String) });
  });

  it('leaves other methods on the webhook path to Nest (404 as before)', async () => {
    const res = await fetch(local(active.webhookUrls['estoque']!), { method: 'GET' });
    expect(res.status).toBe(404);
  });
});
