import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { startSandbox } from '../../sandbox-app';

/** What the hub's receiver saw. */
interface Received {
  path: string;
  text: string;
  body: any;
  contentType: string | undefined;
  at: number;
}

type Reply = { status: number; body?: string; delayMs?: number };

/** A tiny stand-in for the hub: records every request, answers per path (default 200 "ok"). */
class HubReceiver {
  readonly received: Received[] = [];
  private readonly replies = new Map<string, Array<Reply>>();
  private readonly defaults = new Map<string, Reply>();
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  clear(): void {
    this.received.length = 0;
    this.replies.clear();
    this.defaults.clear();
  }

  /** The next answers on a path, in order; then the default. */
  queue(path: string, ...replies: Reply[]): void {
    this.replies.set(path, [...(this.replies.get(path) ?? []), ...replies]);
  }

  always(path: string, reply: Reply): void {
    this.defaults.set(path, reply);
  }

  on(path: string): Received[] {
    return this.received.filter((entry) => entry.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    this.received.push({ path, text, body, contentType: req.headers['content-type'], at: Date.now() });
    const reply = this.replies.get(path)?.shift() ?? this.defaults.get(path) ?? { status: 200, body: 'ok' };
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(reply.body ?? '');
  }
}

const TOKEN = 'tok-wh';
const CNPJ = '12.345.678/0001-90';
const ID_ECOMMERCE = 7321;

describe('sandbox: Tiny outbound notifications (webhooks)', () => {
  let app: NestExpressApplication;
  let base: string;
  const hub = new HubReceiver();

  beforeAll(async () => {
    ({ app, base } = await startSandbox());
    await hub.start();
  });

  afterAll(async () => {
    await app.close();
    await hub.stop();
  });

  beforeEach(async () => {
    hub.clear();
    await post('/control/reset', {});
    await post('/control/tiny/accounts', { token: TOKEN, cnpj: CNPJ, razaoSocial: 'Loja WH' });
    expect((await post('/control/tiny/webhooks/settings', { timeScale: 0.001 })).status).toBe(200);
    const registered = await post('/control/tiny/webhooks', {
      token: TOKEN,
      idEcommerce: ID_ECOMMERCE,
      urls: {
        estoque: `${hub.url}/estoque`,
        produto: `${hub.url}/produto`,
        precos: `${hub.url}/precos`,
        rastreio: `${hub.url}/rastreio`,
        nota_fiscal: `${hub.url}/nota_fiscal`,
        situacao_pedido: `${hub.url}/situacao_pedido`,
        inclusao_pedido: `${hub.url}/inclusao_pedido`,
        atualizacao_pedido: `${hub.url}/atualizacao_pedido`,
      },
    });
    expect(registered.status).toBe(201);
  });

  async function post(path: string, body: unknown): Promise<Response> {
    return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  async function json(path: string, body?: unknown): Promise<any> {
    const response = body === undefined ? await fetch(`${base}${path}`) : await post(path, body);
    expect(response.status).toBeLessThan(300);
    return response.json();
  }

  async function tinyScript(script: string, fields: Record<string, string>): Promise<any> {
    const response = await fetch(`${base}/tiny/api2/${script}.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: TOKEN, formato: 'json', ...fields }).toString(),
    });
    return ((await response.json()) as { retorno: any }).retorno;
  }

  async function deliveries(kind?: string): Promise<any> {
    return json(`/control/tiny/webhooks/deliveries?token=${TOKEN}${kind ? `&kind=${kind}` : ''}`);
  }

  /** Waits until every notification is delivered or given up, and the condition holds. */
  async function settled(condition: () => boolean = () => true, timeoutMs = 10_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await deliveries();
      if (current.pending === 0 && condition()) return current;
      if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(current.notifications)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function seedProduct(codigo: string, saldo = 10, saldoReservado = 0): Promise<any> {
    return json('/control/tiny/products', { token: TOKEN, codigo, saldo, saldoReservado, preco: '50.00' });
  }

  async function createOrder(numeroEcommerce: string): Promise<number> {
    const pedido = {
      pedido: {
        numero_pedido_ecommerce: numeroEcommerce,
        ecommerce: 'Ideris',
        forma_envio: 'T',
        nome_transportador: 'Jadlog',
        cliente: { nome: 'Maria Silva', cpf_cnpj: '123.456.789-09' },
        itens: [{ item: { codigo: 'SKU-1', descricao: 'Camiseta', unidade: 'UN', quantidade: '1', valor_unitario: '49.90' } }],
      },
    };
    const retorno = await tinyScript('pedido.incluir', { pedido: JSON.stringify(pedido) });
    expect(retorno.status).toBe('OK');
    return Number(retorno.registros.registro.id);
  }

  it('registers, reads and clears the URLs of an account, refusing unknown kinds and bad URLs', async () => {
    const registration = await json(`/control/tiny/webhooks?token=${TOKEN}`);
    expect(registration).toMatchObject({ token: TOKEN, cnpj: '12345678000190', idEcommerce: ID_ECOMMERCE, tipoEstoque: 'D' });
    expect(registration.urls.estoque).toBe(`${hub.url}/estoque`);

    expect((await post('/control/tiny/webhooks', { token: TOKEN, idEcommerce: 1, urls: { pedido: `${hub.url}/x` } })).status).toBe(400);
    expect((await post('/control/tiny/webhooks', { token: TOKEN, idEcommerce: 1, urls: { estoque: 'ftp://x' } })).status).toBe(400);
    expect((await post('/control/tiny/webhooks', { token: TOKEN, urls: { estoque: `${hub.url}/estoque` } })).status).toBe(400);
    expect((await post('/control/tiny/webhooks', { token: 'nope', idEcommerce: 1, urls: { estoque: `${hub.url}/e` } })).status).toBe(400);

    expect((await fetch(`${base}/control/tiny/webhooks?token=${TOKEN}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${base}/control/tiny/webhooks?token=${TOKEN}`)).status).toBe(404);
    await seedProduct('SKU-1');
    await json('/control/tiny/stock', { token: TOKEN, codigo: 'SKU-1', saldo: 3 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hub.received).toHaveLength(0);
  });

  it('posts estoque with the e-commerce envelope, the available balance and the product codes', async () => {
    const product = await seedProduct('SKU-1', 10, 2);
    await json('/control/tiny/stock', { token: TOKEN, codigo: 'SKU-1', saldo: 7 });
    await settled(() => hub.on('/estoque').length === 1);
    const [received] = hub.on('/estoque');
    expect(received.contentType).toMatch(/application\/json/);
    expect(received.body).toEqual({
      versao: '1.0.0',
      cnpj: '12345678000190',
      idEcommerce: ID_ECOMMERCE,
      tipo: 'estoque',
      dados: { tipoEstoque: 'D', saldo: 5, idProduto: product.id, sku: 'SKU-1', skuMapeamento: 'SKU-1', skuMapeamentoPai: '' },
    });
    const { attempts } = await deliveries('estoque');
    expect(attempts).toEqual([expect.objectContaining({ kind: 'estoque', url: `${hub.url}/estoque`, status: 200, attempt: 1, body: received.body })]);
    expect(new Date(attempts[0].at).getTime()).toBeGreaterThan(0);
  });

  it('reports the physical balance when the integration is set to F, and stock posted through the API', async () => {
    await post('/control/tiny/webhooks', { token: TOKEN, idEcommerce: ID_ECOMMERCE, tipoEstoque: 'F', urls: { estoque: `${hub.url}/estoque` } });
    const product = await seedProduct('SKU-1', 10, 4);
    const retorno = await tinyScript('produto.atualizar.estoque', { estoque: JSON.stringify({ estoque: { idProduto: product.id, tipo: 'S', quantidade: '3' } }) });
    expect(retorno.status).toBe('OK');
    await settled(() => hub.on('/estoque').length === 1);
    expect(hub.on('/estoque')[0].body.dados).toMatchObject({ tipoEstoque: 'F', saldo: 7 });
  });

  it('posts precos with prices as strings', async () => {
    const product = await seedProduct('SKU-1');
    await json('/control/tiny/prices', { token: TOKEN, codigo: 'SKU-1', preco: '59.9', precoPromocional: '54.90' });
    await settled(() => hub.on('/precos').length === 1);
    expect(hub.on('/precos')[0].body).toEqual({
      versao: '1.0.0',
      cnpj: '12345678000190',
      idEcommerce: ID_ECOMMERCE,
      tipo: 'precos',
      dados: { idMapeamento: '', skuMapeamento: 'SKU-1', skuMapeamentoPai: '', nome: 'SKU-1', codigo: 'SKU-1', preco: '59.90', precoPromocional: '54.90' },
    });
    expect(product.id).toBeGreaterThan(0);
  });

  it('sends inclusao_pedido on creation, then situacao_pedido + atualizacao_pedido, nota_fiscal and rastreio', async () => {
    await seedProduct('SKU-1');
    const orderId = await createOrder('IDR-1001');
    await settled(() => hub.on('/inclusao_pedido').length === 1);
    const inclusion = hub.on('/inclusao_pedido')[0].body;
    expect(inclusion).toEqual({
      versao: '1.0.0',
      cnpj: '12345678000190',
      tipo: 'inclusao_pedido',
      dados: expect.objectContaining({
        id: orderId,
        idPedidoEcommerce: 'IDR-1001',
        codigoSituacao: 'aberto',
        descricaoSituacao: 'Em aberto',
        idNotaFiscal: '0',
        nomeEcommerce: 'Ideris',
        formaEnvio: { id: 'T', descricao: 'Transportadora' },
        cliente: { nome: 'Maria Silva', cpfCnpj: '12345678909' },
      }),
    });
    expect(inclusion).not.toHaveProperty('idEcommerce');
    expect(typeof inclusion.dados.numero).toBe('number');
    expect(hub.on('/situacao_pedido')).toHaveLength(0);

    const retorno = await tinyScript('pedido.alterar.situacao', { id: String(orderId), situacao: 'aprovado' });
    expect(retorno.status).toBe('OK');
    await settled(() => hub.on('/atualizacao_pedido').length === 1 && hub.on('/situacao_pedido').length === 1);
    expect(hub.on('/situacao_pedido')[0].body).toEqual({
      versao: '1.0.0',
      cnpj: '12345678000190',
      idEcommerce: ID_ECOMMERCE,
      tipo: 'situacao_pedido',
      dados: { idPedidoEcommerce: 'IDR-1001', idVendaTiny: orderId, situacao: 'aprovado', descricaoSituacao: 'Aprovado' },
    });
    expect(hub.on('/atualizacao_pedido')[0].body).toMatchObject({ tipo: 'atualizacao_pedido', dados: { id: orderId, codigoSituacao: 'aprovado' } });

    const invoice = await json(`/control/tiny/orders/${orderId}/invoice`, { token: TOKEN });
    await settled(() => hub.on('/nota_fiscal').length === 1 && hub.on('/atualizacao_pedido').length === 2);
    expect(hub.on('/nota_fiscal')[0].body).toEqual({
      versao: '1.0.0',
      cnpj: '12345678000190',
      idEcommerce: ID_ECOMMERCE,
      tipo: 'nota_fiscal',
      dados: {
        idNotaFiscalTiny: invoice.id,
        numero: invoice.numero,
        serie: '1',
        chaveAcesso: expect.stringMatching(/^\d{44}$/),
        urlDanfe: expect.stringMatching(/^https:\/\/tiny\.com\.br\/doc\.view\.php\?id=/),
        dataEmissao: expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}$/),
        valorNota: '49.90',
        idPedidoEcommerce: 'IDR-1001',
        idVendaTiny: orderId,
      },
    });
    expect(hub.on('/situacao_pedido')[1].body.dados).toMatchObject({ situacao: 'faturado', descricaoSituacao: 'Faturado (atendido)' });
    expect(hub.on('/atualizacao_pedido')[1].body.dados).toMatchObject({ codigoSituacao: 'faturado', idNotaFiscal: invoice.id });

    const grouping = await json('/control/tiny/groupings', { token: TOKEN, orderIds: [orderId], formaEnvio: 'T', transportadora: 'Jadlog' });
    expect(hub.on('/rastreio')).toHaveLength(0);
    await json(`/control/tiny/groupings/${grouping.id}/conclude`, { token: TOKEN });
    await settled(() => hub.on('/rastreio').length === 1);
    expect(hub.on('/rastreio')[0].body).toEqual({
      versao: '1.0.1',
      cnpj: '12345678000190',
      idEcommerce: ID_ECOMMERCE,
      tipo: 'rastreio',
      dados: {
        idEntregaEcommerce: '',
        idVendaTiny: orderId,
        idNotaFiscalTiny: invoice.id,
        idPedidoEcommerce: 'IDR-1001',
        codigoRastreio: expect.stringMatching(/^TR\d+$/),
        urlRastreio: expect.stringContaining('http'),
        transportadora: 'Jadlog',
        formaEnvio: 'T',
        formaFrete: '',
      },
    });
  });

  it('sends produto with the variations, records the flat-array answer and uses the mappings afterwards', async () => {
    const produto = {
      produtos: [
        {
          produto: {
            sequencia: '1',
            codigo: 'CAM',
            nome: 'Camiseta',
            unidade: 'UN',
            preco: '50.00',
            origem: '0',
            situacao: 'A',
            tipo: 'P',
            variacoes: [
              { variacao: { codigo: 'CAM-P', preco: '50.00', estoque_atual: '3', grade: { Tamanho: 'P' } } },
              { variacao: { codigo: 'CAM-M', preco: '52.00', estoque_atual: '4', grade: { Tamanho: 'M' } } },
            ],
          },
        },
      ],
    };
    expect((await tinyScript('produto.incluir', { produto: JSON.stringify(produto) })).status).toBe('OK');
    hub.queue('/produto', {
      status: 200,
      body: JSON.stringify([
        { idMapeamento: 'LM-1', skuMapeamento: 'IDR-CAM' },
        { idMapeamento: 'LM-1-P', skuMapeamento: 'IDR-CAM-P', urlProduto: 'https://loja/cam-p' },
        { idMapeamento: 'LM-1-M', skuMapeamento: 'IDR-CAM-M' },
      ]),
    });
    const startedAt = Date.now();
    const sent = await json('/control/tiny/webhooks/send-product', { token: TOKEN, codigo: 'CAM-M' });
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(sent).toMatchObject({ notificationId: expect.any(Number), products: 3 });

    const result = await settled(() => hub.on('/produto').length === 1);
    const body = hub.on('/produto')[0].body;
    expect(body).toMatchObject({ versao: '1.0.0', cnpj: '12345678000190', idEcommerce: ID_ECOMMERCE, tipo: 'produto' });
    expect(body.dados).toMatchObject({ id: sent.idProduto, codigo: 'CAM', nome: 'Camiseta', preco: '50.00' });
    expect(body.dados.variacoes).toEqual([
      expect.objectContaining({ codigo: 'CAM-P', grade: { Tamanho: 'P' }, estoqueAtual: '3.00', idMapeamento: '' }),
      expect.objectContaining({ codigo: 'CAM-M', grade: { Tamanho: 'M' }, preco: '52.00' }),
    ]);
    expect(result.productMappings).toEqual([
      expect.objectContaining({
        idProduto: sent.idProduto,
        codigo: 'CAM',
        mappings: [
          { idMapeamento: 'LM-1', skuMapeamento: 'IDR-CAM' },
          { idMapeamento: 'LM-1-P', skuMapeamento: 'IDR-CAM-P', urlProduto: 'https://loja/cam-p' },
          { idMapeamento: 'LM-1-M', skuMapeamento: 'IDR-CAM-M' },
        ],
      }),
    ]);
    expect(result.attempts[0]).toMatchObject({ kind: 'produto', status: 200, attempt: 1, reply: expect.any(Array) });

    await json('/control/tiny/stock', { token: TOKEN, codigo: 'CAM-P', saldo: 9 });
    await json('/control/tiny/prices', { token: TOKEN, codigo: 'CAM-M', preco: '55.00' });
    await settled(() => hub.on('/estoque').length === 1 && hub.on('/precos').length === 1);
    expect(hub.on('/estoque')[0].body.dados).toMatchObject({ sku: 'CAM-P', skuMapeamento: 'IDR-CAM-P', skuMapeamentoPai: 'IDR-CAM', saldo: 9 });
    expect(hub.on('/precos')[0].body.dados).toMatchObject({ idMapeamento: 'LM-1-M', skuMapeamento: 'IDR-CAM-M', skuMapeamentoPai: 'IDR-CAM', preco: '55.00' });

    // Sent again, the product now carries the mappings.
    hub.queue('/produto', { status: 200, body: '[]' });
    await json('/control/tiny/webhooks/send-product', { token: TOKEN, codigo: 'CAM' });
    await settled(() => hub.on('/produto').length === 2);
    expect(hub.on('/produto')[1].body.dados).toMatchObject({ idMapeamento: 'LM-1', skuMapeamento: 'IDR-CAM' });
  });

  it('gives produto at most two attempts when the answer is not the flat array', async () => {
    await seedProduct('SKU-1');
    hub.always('/produto', { status: 200, body: JSON.stringify({ mapeamentos: [{ mapeamento: { idMapeamento: '1', skuMapeamento: 'SKU-1' } }] }) });
    await json('/control/tiny/webhooks/send-product', { token: TOKEN, codigo: 'SKU-1' });
    const result = await settled(() => hub.on('/produto').length === 2);
    expect(result.attempts.map((attempt: any) => [attempt.attempt, attempt.status, attempt.nextAttemptInMs])).toEqual([
      [1, 200, 60],
      [2, 200, undefined],
    ]);
    expect(result.attempts[0].error).toMatch(/flat array/);
    expect(result.notifications).toEqual([expect.objectContaining({ kind: 'produto', state: 'failed', attempts: 2 })]);
    expect(result.productMappings).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(hub.on('/produto')).toHaveLength(2);
  });

  it('retries e-commerce webhooks on non-200 with the compressed backoff', async () => {
    await seedProduct('SKU-1');
    hub.queue('/estoque', { status: 500 }, { status: 404 });
    await json('/control/tiny/stock', { token: TOKEN, codigo: 'SKU-1', saldo: 4 });
    const result = await settled(() => hub.on('/estoque').length === 3);
    expect(result.attempts.map((attempt: any) => [attempt.attempt, attempt.status, attempt.nextAttemptInMs])).toEqual([
      [1, 500, 60],
      [2, 404, 120],
      [3, 200, undefined],
    ]);
    const [first, second, third] = hub.on('/estoque');
    expect(second.at - first.at).toBeGreaterThanOrEqual(55);
    expect(third.at - second.at).toBeGreaterThanOrEqual(115);
    expect(new Set(hub.on('/estoque').map((entry) => entry.text)).size).toBe(1);
  });

  it('retries account webhooks with +5 min per attempt (compressed) and gives up after 10 resends', async () => {
    await seedProduct('SKU-1');
    await json('/control/tiny/webhooks/settings', { timeScale: 0.0001 });
    hub.always('/inclusao_pedido', { status: 503 });
    await createOrder('IDR-2');
    const result = await settled(() => hub.on('/inclusao_pedido').length === 11);
    const attempts = result.attempts.filter((attempt: any) => attempt.kind === 'inclusao_pedido');
    expect(attempts.map((attempt: any) => attempt.nextAttemptInMs)).toEqual([30, 60, 90, 120, 150, 180, 210, 240, 270, 300, undefined]);
    expect(attempts.every((attempt: any) => attempt.status === 503)).toBe(true);
    expect(result.notifications.find((notification: any) => notification.kind === 'inclusao_pedido')).toMatchObject({ state: 'failed', attempts: 11 });
  });

  it('never blocks the control call on a slow receiver', async () => {
    await seedProduct('SKU-1');
    hub.queue('/estoque', { status: 200, delayMs: 800 });
    const startedAt = Date.now();
    await json('/control/tiny/stock', { token: TOKEN, codigo: 'SKU-1', saldo: 4 });
    expect(Date.now() - startedAt).toBeLessThan(400);
    expect((await deliveries()).pending).toBe(1);
    await settled(() => hub.on('/estoque').length === 1);
  });

  it('duplicates deliveries with the same body when duplicateRate is 1', async () => {
    await seedProduct('SKU-1');
    await json('/control/tiny/webhooks/faults', { token: TOKEN, duplicateRate: 1 });
    await json('/control/tiny/stock', { token: TOKEN, codigo: 'SKU-1', saldo: 1 });
    await json('/control/tiny/stock', { token: TOKEN, codigo: 'SKU-1', saldo: 2 });
    const result = await settled(() => hub.on('/estoque').length === 4);
    expect(hub.on('/estoque').map((entry) => entry.body.dados.saldo)).toEqual([1, 1, 2, 2]);
    expect(hub.on('/estoque')[0].text).toBe(hub.on('/estoque')[1].text);
    expect(result.attempts.map((attempt: any) => attempt.duplicate)).toEqual([false, true, false, true]);
  });

  it('delivers held notifications after later ones inside the reorder window', async () => {
    await seedProduct('SKU-1');
    await json('/control/tiny/webhooks/faults', { token: TOKEN, reorderWindowMs: 150 });
    for (const saldo of [1, 2, 3]) await json('/control/tiny/stock', { token: TOKEN, codigo: 'SKU-1', saldo });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hub.on('/estoque')).toHaveLength(0);
    expect((await deliveries()).notifications.map((notification: any) => notification.state)).toEqual(['held', 'held', 'held']);
    await settled(() => hub.on('/estoque').length === 3);
    expect(hub.on('/estoque').map((entry) => entry.body.dados.saldo)).toEqual([3, 2, 1]);

    // Without the fault the same changes arrive in order.
    await fetch(`${base}/control/tiny/webhooks/faults?token=${TOKEN}`, { method: 'DELETE' });
    hub.clear();
    for (const saldo of [4, 5, 6]) await json('/control/tiny/stock', { token: TOKEN, codigo: 'SKU-1', saldo });
    await settled(() => hub.on('/estoque').length === 3);
    expect(hub.on('/estoque').map((entry) => entry.body.dados.saldo)).toEqual([4, 5, 6]);
  });

  it('drops first attempts (the hub only sees the retry) and records every attempt', async () => {
    await seedProduct('SKU-1');
    await json('/control/tiny/webhooks/faults', { token: TOKEN, dropFirstAttempt: true });
    await json('/control/tiny/stock', { token: TOKEN, codigo: 'SKU-1', saldo: 8 });
    const result = await settled(() => hub.on('/estoque').length === 1);
    expect(result.attempts).toEqual([
      expect.objectContaining({ attempt: 1, status: null, error: expect.stringMatching(/dropped/), nextAttemptInMs: 60 }),
      expect.objectContaining({ attempt: 2, status: 200 }),
    ]);
  });

  it('reproduces type drift: ids as strings and tipoEstoque missing', async () => {
    const product = await seedProduct('SKU-1');
    await json('/control/tiny/webhooks/faults', { token: TOKEN, typeDrift: true });
    await json('/control/tiny/stock', { token: TOKEN, codigo: 'SKU-1', saldo: 8 });
    await settled(() => hub.on('/estoque').length === 1);
    expect(hub.on('/estoque')[0].body.dados).toEqual({ saldo: '8', idProduto: String(product.id), sku: 'SKU-1', skuMapeamento: 'SKU-1', skuMapeamentoPai: '' });
    expect(hub.on('/estoque')[0].body.idEcommerce).toBe(ID_ECOMMERCE);
  });

  it('sends an empty-body validation ping to account URLs when asked at registration', async () => {
    await post('/control/tiny/webhooks', { token: TOKEN, urls: { inclusao_pedido: `${hub.url}/inclusao_pedido` }, validationPing: true });
    const result = await settled(() => hub.on('/inclusao_pedido').length === 1);
    expect(hub.on('/inclusao_pedido')[0].text).toBe('');
    expect(result.attempts).toEqual([expect.objectContaining({ kind: 'ping', body: null, status: 200 })]);
  });

  it('bursts random stock changes, each one notified, converging on the final balances', async () => {
    await seedProduct('SKU-1');
    const burst = await json('/control/tiny/stock/burst', { token: TOKEN, count: 300, skus: 5, seed: 7 });
    expect(burst).toMatchObject({ applied: 300, products: 5 });
    expect(Object.keys(burst.finalBalances).sort()).toEqual(['BURST-0002', 'BURST-0003', 'BURST-0004', 'BURST-0005', 'SKU-1']);
    await settled(() => hub.on('/estoque').length === 300);
    const last = new Map<string, number>();
    for (const entry of hub.on('/estoque')) last.set(entry.body.dados.sku, entry.body.dados.saldo);
    expect(Object.fromEntries(last)).toEqual(burst.finalBalances);

    const again = await json('/control/tiny/stock/burst', { token: TOKEN, count: 300, skus: 5, seed: 7 });
    expect(again.finalBalances).toEqual(burst.finalBalances);

    await settled(() => hub.on('/estoque').length === 600);
    hub.clear();
    await fetch(`${base}/control/tiny/webhooks/deliveries?token=${TOKEN}`, { method: 'DELETE' });
    const explicit = await json('/control/tiny/stock/burst', { token: TOKEN, changes: [{ codigo: 'SKU-1', saldo: 1 }, { codigo: 'SKU-1', saldo: 0 }] });
    expect(explicit).toEqual({ applied: 2, products: 1, finalBalances: { 'SKU-1': 0 } });
    const result = await settled(() => hub.on('/estoque').length === 2);
    expect(result.attempts).toHaveLength(2);
    expect((await post('/control/tiny/stock/burst', { token: TOKEN, changes: [{ codigo: 'NOPE', saldo: 1 }] })).status).toBe(404);

    // A large explicit burst (well over the default 100 kB JSON limit) is accepted.
    await fetch(`${base}/control/tiny/webhooks?token=${TOKEN}`, { method: 'DELETE' });
    const many = Array.from({ length: 5000 }, (_, index) => ({ codigo: 'SKU-1', saldo: index }));
    expect(await json('/control/tiny/stock/burst', { token: TOKEN, changes: many })).toMatchObject({ applied: 5000, finalBalances: { 'SKU-1': 4999 } });
  });

  it('sends a kit with its components, images and packaging; many products at once with send-products', async () => {
    const seeded = await json('/control/tiny/products/catalog', {
      token: TOKEN,
      products: [
        { sku: 'A', name: 'A', price: 10, images: ['https://img.example/a.jpg'], grossWeightKg: 0.5, heightCm: 4, widthCm: 10, lengthCm: 20 },
        { sku: 'B', name: 'B', price: 5 },
        { sku: 'KIT-AB', name: 'Kit AB', price: 14, kit: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }] },
      ],
    });
    const ids = Object.fromEntries(seeded.products.map((product: any) => [product.sku, product.id]));
    hub.always('/produto', { status: 200, body: '[]' });
    expect((await post('/control/tiny/webhooks/send-products', { token: TOKEN, codigos: ['NOPE'] })).status).toBe(404);
    const queued = await json('/control/tiny/webhooks/send-products', { token: TOKEN });
    expect(queued).toMatchObject({ queued: 3 });
    await settled(() => hub.on('/produto').length === 3);
    const byCode = Object.fromEntries(hub.on('/produto').map((entry) => [entry.body.dados.codigo, entry.body.dados]));
    expect(byCode['A']).toMatchObject({ anexos: [{ url: 'https://img.example/a.jpg' }], pesoBruto: '0.500', alturaEmbalagem: '4', larguraEmbalagem: '10', comprimentoEmbalagem: '20' });
    expect(byCode['KIT-AB']).toMatchObject({ classeProduto: 'K', kit: [{ id: ids['A'], quantidade: '2' }, { id: ids['B'], quantidade: '1' }] });
  });

  it('sends produto by itself after API writes only when the registration asks for it', async () => {
    hub.always('/produto', { status: 200, body: '[{"idMapeamento":"1","skuMapeamento":"NEW-1"}]' });
    const produto = (codigo: string) => ({ produto: JSON.stringify({ produtos: [{ produto: { sequencia: '1', codigo, nome: codigo, unidade: 'UN', preco: '9.90', origem: '0', situacao: 'A', tipo: 'P' } }] }) });
    expect((await tinyScript('produto.incluir', produto('NEW-0'))).status).toBe('OK');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hub.on('/produto')).toHaveLength(0);

    expect((await post('/control/tiny/webhooks', { token: TOKEN, idEcommerce: ID_ECOMMERCE, urls: { estoque: `${hub.url}/estoque` }, sendProductsOnChange: true })).status).toBe(400);
    expect((await post('/control/tiny/webhooks', { token: TOKEN, idEcommerce: ID_ECOMMERCE, urls: { produto: `${hub.url}/produto` }, sendProductsOnChange: true })).status).toBe(201);
    const created = await tinyScript('produto.incluir', produto('NEW-1'));
    await settled(() => hub.on('/produto').length === 1);
    expect(hub.on('/produto')[0].body.dados).toMatchObject({ id: Number(created.registros[0].registro.id), codigo: 'NEW-1' });
    const altered = await tinyScript('produto.alterar', { produto: JSON.stringify({ produtos: [{ produto: { sequencia: '1', codigo: 'NEW-1', nome: 'Novo nome' } }] }) });
    expect(altered.status).toBe('OK');
    const result = await settled(() => hub.on('/produto').length === 2);
    expect(hub.on('/produto')[1].body.dados).toMatchObject({ nome: 'Novo nome', idMapeamento: '1', skuMapeamento: 'NEW-1' });
    expect(result.productMappings).toHaveLength(2);
  });

  it('reset cancels pending retries', async () => {
    await seedProduct('SKU-1');
    await json('/control/tiny/webhooks/settings', { timeScale: 0.01 });
    hub.always('/estoque', { status: 500 });
    await json('/control/tiny/stock', { token: TOKEN, codigo: 'SKU-1', saldo: 8 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hub.on('/estoque')).toHaveLength(1);
    await post('/control/reset', {});
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(hub.on('/estoque')).toHaveLength(1);
    expect(await json('/control/tiny/webhooks/settings')).toMatchObject({ timeScale: 1, concurrency: 1 });
  });
});
