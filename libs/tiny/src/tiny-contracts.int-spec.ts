import type { NestExpressApplication } from '@nestjs/platform-express';
import { controlOf, startSandbox } from '../../../apps/sandbox/src/sandbox-app';
import { TinyApiError } from './tiny-api.error';
import { TinyClient } from './tiny-client';
import { TinyFulfilmentApi } from './tiny-fulfilment.api';

const TOKEN = 'tok-contracts';

/**
 * Issue 10, items 1–3 and 8 end to end over HTTP: the sandbox answers in each shape public evidence shows
 * (`POST /control/tiny/shapes`), and the client reads every one of them the same way (docs/contracts.md).
 */
describe('Tiny contracts against the sandbox in every observed shape', () => {
  let app: NestExpressApplication;
  let base: string;
  let client: TinyClient;
  let api: TinyFulfilmentApi;
  const control = controlOf(() => base);

  beforeAll(async () => {
    ({ app, base } = await startSandbox());
    client = new TinyClient({ baseUrl: `${base}/tiny/api2`, token: TOKEN });
    api = new TinyFulfilmentApi(client);
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    await control('/control/reset', {});
    await control('/control/tiny/accounts', { token: TOKEN, cnpj: '12345678000190', limitPerMinute: 240 });
    await control('/control/tiny/products', { token: TOKEN, codigo: 'SKU-1', saldo: 10 });
  });

  async function order(ecommerceOrderNumber: string): Promise<string> {
    const { id } = await client.createOrder({
      ecommerceOrderNumber,
      ecommerceName: 'Ideris',
      customer: { name: 'Maria Souza', document: '12345678909' },
      items: [{ sku: 'SKU-1', description: 'Camiseta', unit: 'UN', quantity: 1, unitPriceCents: 4990 }],
    });
    return id;
  }

  async function failure(promise: Promise<unknown>): Promise<TinyApiError> {
    try {
      await promise;
    } catch (error: unknown) {
      if (error instanceof TinyApiError) return error;
      throw error;
    }
    throw new Error('expected a TinyApiError');
  }

  async function tinyState(): Promise<{ orders: Array<Record<string, unknown>>; markers: Record<string, number> }> {
    return (await (await fetch(`${base}/control/tiny/state?token=${TOKEN}`)).json()) as { orders: Array<Record<string, unknown>>; markers: Record<string, number> };
  }

  async function tinyOrder(id: string): Promise<Record<string, unknown>> {
    return (await tinyState()).orders.find((candidate) => String(candidate['id']) === id) ?? {};
  }

  it('adds a marker by idPedido; the sandbox refuses `id` alone with Tiny\'s error envelope (code 10)', async () => {
    const id = await order('ML-MARK');
    await api.addOrderMarkers(id, [{ description: 'Rastreio enviado ao Ideris' }]);
    await api.addOrderMarkers(id, [{ description: 'Rastreio enviado ao Ideris' }]);
    expect((await tinyOrder(id))['marcadores']).toEqual(['Rastreio enviado ao Ideris']);
    const markerId = String((await tinyState()).markers['Rastreio enviado ao Ideris']);
    const other = await order('ML-MARK-2');
    await api.addOrderMarkers(other, [{ id: markerId }]);
    expect((await tinyOrder(other))['marcadores']).toEqual(['Rastreio enviado ao Ideris']);

    const byOldName = await failure(client.call('pedido.marcadores.incluir', { id, marcadores: JSON.stringify([{ marcador: { descricao: 'X' } }]) }));
    expect(byOldName).toMatchObject({ kind: 'validation', code: 10 });
  });

  it.each([
    ['documented ("Erro")', 'erro'],
    ['status OK with status_processamento 2', 'ok-status-2'],
    ['status "Erros"', 'erros'],
  ])('a failed write answered %s surfaces as a validation error with its messages on every call', async (_label, writeFailure) => {
    const id = await order('ML-ENV');
    await control('/control/tiny/shapes', { token: TOKEN, writeFailure, errorList: writeFailure === 'erros' ? 'object' : 'list' });
    const created = await failure(client.createOrder({ ecommerceOrderNumber: 'ML-BAD', customer: { name: '' }, items: [] }));
    expect(created).toMatchObject({ kind: 'validation', code: 31 });
    expect(created.messages.map((message) => message.erro)).toEqual(['O nome do cliente deve ser informado', 'O pedido deve ter pelo menos um item']);

    const situation = await failure(client.changeOrderSituation(id, 'voando' as never));
    expect(situation).toMatchObject({ kind: 'validation', code: 31 });
    expect(situation.messages[0]?.erro).toContain('Situação inválida');

    await api.postOrderStock(id);
    expect(await failure(api.postOrderStock(id))).toMatchObject({ kind: 'validation', code: 31, messages: [{ erro: 'O estoque deste pedido já foi lançado' }] });
  });

  it.each([
    ['top-level', 'top-level'],
    ['only in ecommerce.numeroPedidoEcommerce', 'nested-only'],
  ])('pedido.obter with the marketplace number %s gives it to the caller', async (_label, orderEcommerceNumber) => {
    await control('/control/tiny/shapes', { token: TOKEN, orderEcommerceNumber });
    const id = await order('ML-777');
    expect((await client.getOrder(id)).ecommerceOrderNumber).toBe('ML-777');
  });

  it.each([
    ['C with a carrier (ignored by Tiny, not an error)', 'C', ''],
    ['T with a carrier (kept)', 'T', 'Jadlog'],
  ] as const)('dispatch with formaEnvio %s', async (_label, shippingMethod, kept) => {
    const id = await order(`ML-DESP-${shippingMethod}`);
    // Sent raw, as another client might: the sandbox must not reject it.
    await client.call('cadastrar.codigo.rastreamento.pedido.php', { id, codigoRastreamento: 'BR123', formaEnvio: shippingMethod, transportadora: 'Jadlog' });
    await api.registerDispatch({ orderId: id, trackingCode: 'BR124', shippingMethod, carrier: 'Jadlog' });
    expect((await tinyOrder(id))).toMatchObject({ codigoRastreamento: 'BR124', formaEnvio: shippingMethod });
    expect((await tinyOrder(id))['transportadora'] ?? '').toBe(kept);
  });
});
