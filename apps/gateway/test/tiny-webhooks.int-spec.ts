import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Streams, tinyNotificationSubject } from '@hub/contracts';
import { dropSchema, testNatsUrl } from '@hub/testing';
import { createSandboxConnection, SELLER, startGateway, type GatewayHarness } from './gateway-harness';

function estoque(saldo: number, cnpj = SELLER.cnpj, idEcommerce: number | string = 777) {
  return { versao: '1.0.0', cnpj, idEcommerce, tipo: 'estoque', dados: { tipoEstoque: 'F', saldo, idProduto: 1, sku: 'SKU-1', skuMapeamento: 'SKU-1', skuMapeamentoPai: '' } };
}

describe('Tiny webhook intake', () => {
  let h: GatewayHarness;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let active: { id: string; webhookUrls: Record<string, string> };
  let inactive: { id: string; webhookUrls: Record<string, string> };

  beforeAll(async () => {
    h = await startGateway();
    nc = await connect({ servers: testNatsUrl() });
    jsm = await jetstreamManager(nc);
    active = await createSandboxConnection(h);
    expect((await h.api('POST', `/api/v1/connections/${active.id}/activate`)).status).toBe(200);
    inactive = await createSandboxConnection(h);
  });

  afterAll(async () => {
    await h?.close();
    await nc?.drain();
    await dropSchema(h.schema);
  });

  /** Messages in the stream for this connection (published by this suite only). */
  async function stored(kind: 'estoque' | 'nota_fiscal' | 'produto'): Promise<number> {
    const info = await jsm.streams.info(Streams.TINY_NOTIFICATIONS.name, { subjects_filter: tinyNotificationSubject(kind) });
    return info.state.subjects?.[tinyNotificationSubject(kind)] ?? 0;
  }

  function post(url: string, body: string, contentType = 'application/json') {
    return fetch(url.replace('http://hub.example.test', h.url), { method: 'POST', headers: { 'content-type': contentType }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  }

  it('persists a valid notification in JetStream before answering 200, with the raw body intact', async () => {
    const before = await stored('estoque');
    const raw = JSON.stringify(estoque(7));
    const res = await post(active.webhookUrls['estoque']!, raw);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'accepted', duplicate: false });
    expect(await stored('estoque')).toBe(before + 1);
    const msg = await jsm.streams.getMessage(Streams.TINY_NOTIFICATIONS.name, { seq: res.body.sequence });
    const payload = msg!.json<{ connectionId: string; kind: string; rawBody: string }>();
    expect(payload).toMatchObject({ connectionId: active.id, kind: 'estoque', rawBody: raw });
    expect(msg!.header.get('Hub-Connection-Id')).toBe(active.id);
  });

  it('keeps every stock notification, even identical ones (5 → 4 → 5 are three changes)', async () => {
    const before = await stored('estoque');
    for (const saldo of [5, 4, 5]) expect((await post(active.webhookUrls['estoque']!, JSON.stringify(estoque(saldo)))).status).toBe(200);
    expect(await stored('estoque')).toBe(before + 3);
  });

  it('drops a byte-identical repeat of an invoice notification (Tiny retrying)', async () => {
    const before = await stored('nota_fiscal');
    const body = JSON.stringify({ versao: '1.0.1', cnpj: SELLER.cnpj, idEcommerce: '777', tipo: 'nota_fiscal', dados: { idNotaFiscalTiny: 9, numero: '100', chaveAcesso: '3'.repeat(44) } });
    const first = await post(active.webhookUrls['nota_fiscal']!, body);
    const second = await post(active.webhookUrls['nota_fiscal']!, body);
    expect(first.body.duplicate).toBe(false);
    expect(second).toMatchObject({ status: 200, body: { status: 'accepted', duplicate: true, sequence: first.body.sequence } });
    expect(await stored('nota_fiscal')).toBe(before + 1);
  });

  it.each([
    ['a wrong secret', (u: string) => u.replace(/\/[A-Za-z0-9_-]{32}\//, '/wrongsecretwrongsecretwrongsecre/'), JSON.stringify(estoque(1)), 401, 'invalid webhook secret'],
    ['an unknown connection', (u: string) => u.replace(/tiny\/[0-9a-f-]{36}/, 'tiny/00000000-0000-4000-8000-000000000000'), JSON.stringify(estoque(1)), 404, 'unknown webhook endpoint'],
    ['a wrong CNPJ', (u: string) => u, JSON.stringify(estoque(1, '99888777000166')), 422, 'the notification cnpj does not match this connection'],
    ['a wrong idEcommerce', (u: string) => u, JSON.stringify(estoque(1, SELLER.cnpj, '778')), 422, "idEcommerce 778 does not match this connection's Tiny integration"],
    ['malformed JSON', (u: string) => u, '{"cnpj": "123', 400, /^body is not valid JSON/],
    ['a tipo that does not match the URL', (u: string) => u, JSON.stringify({ ...estoque(1), tipo: 'precos' }), 422, /this URL receives "estoque"/],
    ['an unknown tipo', (u: string) => u.replace(/\/estoque$/, ''), JSON.stringify({ ...estoque(1), tipo: 'boleto' }), 422, /unknown notification tipo "boleto"/],
    ['an oversized body', (u: string) => u, JSON.stringify({ ...estoque(1), pad: 'x'.repeat(70 * 1024) }), 413, /body larger than 65536 bytes/],
  ])('refuses %s with the right 4xx and stores nothing', async (_name, urlOf, body, status, message) => {
    const before = await stored('estoque');
    const res = await post(urlOf(active.webhookUrls['estoque']!), body as string);
    expect(res.status).toBe(status);
    if (typeof message === 'string') expect(res.body.message).toBe(message);
    else expect(res.body.message).toMatch(message as RegExp);
    expect(await stored('estoque')).toBe(before);
  });

  it('answers an empty validation ping with 200 and stores nothing', async () => {
    const before = await stored('estoque');
    const res = await post(active.webhookUrls['estoque']!, '');
    expect(res).toEqual({ status: 200, body: { status: 'ok', ping: true } });
    expect(await stored('estoque')).toBe(before);
  });

  describe('produto (answered synchronously with the flat mapping array)', () => {
    const produto = (id: number) => ({
      versao: '1.0.0',
      cnpj: SELLER.cnpj,
      idEcommerce: 777,
      tipo: 'produto',
      dados: { id, idMapeamento: '', skuMapeamento: '', codigo: `P-${id}`, nome: 'Produto', variacoes: [{ id: id + 1, idMapeamento: 'M-1', skuMapeamento: 'P-V', codigo: 'P-V-OLD', grade: { Cor: 'Azul' } }] },
    });

    it('stores the notification, then answers from the payload when no catalog answers (mapping SKU, else code; mapping id, else Tiny id)', async () => {
      const before = await stored('produto');
      const res = await post(active.webhookUrls['produto']!, JSON.stringify(produto(810001)));
      expect(res).toEqual({
        status: 200,
        body: [
          { idMapeamento: '810001', skuMapeamento: 'P-810001' },
          { idMapeamento: 'M-1', skuMapeamento: 'P-V' },
        ],
      });
      expect(await stored('produto')).toBe(before + 1);
    });

    it('answers every item with an error for a connection that is not active, and stores nothing', async () => {
      const before = await stored('produto');
      const res = await post(inactive.webhookUrls['produto']!, JSON.stringify(produto(820001)));
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        { idMapeamento: '820001', skuMapeamento: 'P-820001', error: expect.stringContaining('not_configured') },
        { idMapeamento: 'M-1', skuMapeamento: 'P-V', error: expect.stringContaining('not_configured') },
      ]);
      expect(await stored('produto')).toBe(before);
    });

    it('refuses a product Tiny could not have sent with 422 naming the field, and stores nothing', async () => {
      const before = await stored('produto');
      const body = produto(830001);
      const res = await post(active.webhookUrls['produto']!, JSON.stringify({ ...body, dados: { ...body.dados, nome: undefined, variacoes: [{ codigo: 'X' }] } }));
      expect(res.status).toBe(422);
      expect(res.body.message).toEqual(expect.stringContaining('dados.nome'));
      expect(res.body.message).toEqual(expect.stringContaining('dados.variacoes.0.id'));
      expect(await stored('produto')).toBe(before);
    });
  });

  it('answers 200 for a connection that is not active but stores nothing', async () => {
    const before = await stored('estoque');
    const res = await post(inactive.webhookUrls['estoque']!, JSON.stringify(estoque(3)));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ignored', reason: 'connection is not_configured; only active connections sync' });
    expect(await stored('estoque')).toBe(before);
  });
});
