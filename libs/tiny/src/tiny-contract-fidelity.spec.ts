import { TinyApiError } from './tiny-api.error';
import { TinyClient } from './tiny-client';
import { TinyFulfilmentApi } from './tiny-fulfilment.api';
import { mapTinyOrder } from './tiny-order.models';
import { toTinyOrderSituation } from './tiny-situation';

/**
 * Issue 10, items 1–3, 6, 8: the wire facts public evidence settles (docs/contracts.md), each composed from the
 * documented facts and checked through the client, with a fake transport that records what was sent.
 */
interface SentCall {
  script: string;
  form: URLSearchParams;
}

function clientAnswering(retorno: Record<string, unknown>): { client: TinyClient; sent: SentCall[] } {
  const sent: SentCall[] = [];
  const fakeFetch = (async (url: string | URL, init?: RequestInit) => {
    sent.push({ script: String(url).split('/').pop() ?? '', form: new URLSearchParams(String(init?.body ?? '')) });
    return new Response(JSON.stringify({ retorno }), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { client: new TinyClient({ baseUrl: 'http://tiny.test/api2', token: 't', fetch: fakeFetch }), sent };
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

const VALIDATION_MESSAGES = [{ erro: 'Cidade não encontrada' }, { erro: 'CPF inválido' }];

/** Recorded from the live API: status OK, status_processamento "2" and the failure only inside the registro. */
const OK_WITH_FAILED_REGISTRO = {
  status_processamento: '2',
  status: 'OK',
  registros: [{ registro: { sequencia: '1', status: 'Erro', codigo_erro: '31', erros: VALIDATION_MESSAGES } }],
};

describe('Tiny envelope: a failed write is a failure on every call (contracts.md#tiny-envelope)', () => {
  const calls: Array<[string, (client: TinyClient) => Promise<unknown>]> = [
    ['createOrder (pedido.incluir)', (client) => client.createOrder({ customer: { name: 'Maria' }, items: [] } as never)],
    ['changeOrderSituation (pedido.alterar.situacao)', (client) => client.changeOrderSituation('700000001', 'enviado')],
    ['updateProductStock (produto.atualizar.estoque)', (client) => client.updateProductStock({ productId: '1', type: 'B', quantity: 3 } as never)],
    ['postOrderStock (pedido.lancar.estoque)', (client) => new TinyFulfilmentApi(client).postOrderStock('700000001')],
    ['registerDispatch (cadastrar.codigo.rastreamento.pedido)', (client) => new TinyFulfilmentApi(client).registerDispatch({ orderId: '700000001', trackingCode: 'BR1' })],
    ['addOrderMarkers (pedido.marcadores.incluir)', (client) => new TinyFulfilmentApi(client).addOrderMarkers('700000001', [{ description: 'X' }])],
  ];

  it.each(calls)('%s throws the registro\'s validation error with its messages and record errors', async (_label, call) => {
    const { client } = clientAnswering(OK_WITH_FAILED_REGISTRO);
    const error = await failure(call(client));
    expect(error).toMatchObject({ kind: 'validation', code: 31, messages: VALIDATION_MESSAGES });
    expect(error.retryable).toBe(false);
    expect(error.recordErrors).toEqual([{ sequence: 1, kind: 'validation', code: 31, messages: VALIDATION_MESSAGES }]);
  });

  it.each([
    ['status "Erros" (plural) with status_processamento "2"', { status: 'Erros', status_processamento: '2', erros: [{ erro: 'Pedido com erros' }] }, 'validation', undefined, ['Pedido com erros']],
    ['status OK with status_processamento 1 (not processed)', { status: 'OK', status_processamento: 1, erros: [{ erro: 'não processado' }] }, 'validation', undefined, ['não processado']],
    ['a block with codigo_erro as a string and erros as an object', { status: 'Erro', codigo_erro: '6', erros: { erro: 'API Bloqueada' } }, 'rate-limited', 6, ['API Bloqueada']],
    ['erros as an object of entries', { status: 'Erro', codigo_erro: '31', erros: { 0: { erro: 'Cidade não encontrada' }, 1: { erro: 'CEP inválido' } } }, 'validation', 31, ['Cidade não encontrada', 'CEP inválido']],
    ['a duplicate inside a registro next to status OK', { status: 'OK', status_processamento: '2', registros: { registro: { sequencia: '1', status: 'Erro', codigo_erro: '30', erros: [{ erro: 'Registro em duplicidade' }] } } }, 'duplicate', 30, ['Registro em duplicidade']],
  ])('%s is a failure of its kind', async (_label, retorno, kind, code, messages) => {
    const { client } = clientAnswering(retorno);
    const error = await failure(client.changeOrderSituation('1', 'enviado'));
    expect({ kind: error.kind, code: error.code, messages: error.messages.map((message) => message.erro) }).toEqual({ kind, code, messages });
  });

  it('still reads a successful create', async () => {
    const { client } = clientAnswering({ status_processamento: 3, status: 'OK', registros: { registro: { sequencia: '1', status: 'OK', id: '37644545', numero: '1001' } } });
    await expect(client.createOrder({ customer: { name: 'Maria' }, items: [] } as never)).resolves.toEqual({ id: '37644545', number: '1001' });
  });
});

describe('pedido.marcadores.incluir as its official page says (contracts.md#tiny-marcadores)', () => {
  it.each([
    ['a description', [{ description: 'Rastreio enviado ao Ideris' }], [{ marcador: { descricao: 'Rastreio enviado ao Ideris' } }]],
    ['an id', [{ id: '4321' }], [{ marcador: { id: '4321' } }]],
    ['both kinds', [{ id: '1' }, { description: 'Novo' }], [{ marcador: { id: '1' } }, { marcador: { descricao: 'Novo' } }]],
  ])('sends idPedido and marcadores[].marcador for %s', async (_label, markers, expected) => {
    const { client, sent } = clientAnswering({ status_processamento: 3, status: 'OK' });
    await new TinyFulfilmentApi(client).addOrderMarkers('700000123', markers);
    expect(sent).toHaveLength(1);
    expect(sent[0].script).toBe('pedido.marcadores.incluir');
    expect(sent[0].form.get('idPedido')).toBe('700000123');
    expect(sent[0].form.has('id')).toBe(false);
    expect(JSON.parse(sent[0].form.get('marcadores') ?? 'null')).toEqual(expected);
  });
});

describe('cadastrar.codigo.rastreamento.pedido: transportadora only where Tiny considers it (contracts.md#tiny-despacho)', () => {
  it.each([
    ['T (transportadora)', 'T', 'Jadlog'],
    ['C (Correios)', 'C', undefined],
    ['no formaEnvio', undefined, undefined],
  ] as const)('formaEnvio %s sends transportadora=%p', async (_label, shippingMethod, expected) => {
    const { client, sent } = clientAnswering({ status_processamento: 3, status: 'OK' });
    await new TinyFulfilmentApi(client).registerDispatch({ orderId: '1', trackingCode: 'BR123', shippingMethod, carrier: 'Jadlog' });
    expect(sent[0].form.get('transportadora') ?? undefined).toBe(expected);
    expect(sent[0].form.get('codigoRastreamento')).toBe('BR123');
  });
});

describe('pedido.obter: the marketplace number (contracts.md#tiny-pedido-obter)', () => {
  it.each([
    ['top level only', { numero_ecommerce: 'ML-1' }, 'ML-1'],
    ['only inside ecommerce', { ecommerce: { id: '9', numeroPedidoEcommerce: 'ML-2', nomeEcommerce: 'Ideris' } }, 'ML-2'],
    ['top level blank, nested set', { numero_ecommerce: '', ecommerce: { numeroPedidoEcommerce: 'ML-3' } }, 'ML-3'],
    ['both (top level wins)', { numero_ecommerce: 'ML-4', ecommerce: { numeroPedidoEcommerce: 'OTHER' } }, 'ML-4'],
    ['neither (an order from no e-commerce)', { ecommerce: { numeroPedidoEcommerce: '' } }, undefined],
  ])('%s', (_label, fields, expected) => {
    const order = mapTinyOrder({ id: '700000001', numero: '15', situacao: 'Em aberto', ...fields });
    expect(order?.ecommerceOrderNumber).toBe(expected);
  });
});

describe('situacao as a code or a description (contracts.md#tiny-situacao-pedido)', () => {
  it.each([
    ['Aprovada', 'aprovado'],
    ['Aprovado', 'aprovado'],
    ['aprovado', 'aprovado'],
    ['Cancelado', 'cancelado'],
    ['Cancelada', 'cancelado'],
    ['Preparando envio', 'preparando_envio'],
    ['PREPARANDO_ENVIO', 'preparando_envio'],
    ['Pronto envio', 'pronto_envio'],
    ['Faturada', 'faturado'],
    ['Enviada', 'enviado'],
    ['Nao Entregue', 'nao_entregue'],
    ['NÃO ENTREGUE', 'nao_entregue'],
    ['Em  aberto', 'aberto'],
    ['Aberta', 'aberto'],
    ['Dados incompletos', undefined],
  ])('%p → %p', (input, expected) => {
    expect(toTinyOrderSituation(input)).toBe(expected);
  });
});
