import fc from 'fast-check';
import {
  assertTinyOk, mapTinyExpedition, mapTinyInvoice, mapTinyInvoiceSummary, mapTinyOrder, mapTinyOrderSummary, parseTinyEnvelope, parseTinyNotification, TinyApiError,
} from '@hub/tiny';
import { mapIderisMarketplaceAccount, mapIderisOrder, mapIderisOrderDetail } from '@hub/ideris';
import { mutated, rawBodies, validNotifications } from './samples';

/**
 * Property-based fuzzing of every parser of external input: whatever arrives, a parser answers a value, a
 * "not this" (undefined / a result with reasons), or its own typed error — never a TypeError or a crash.
 * FUZZ_RUNS (default 10,000) inputs per property.
 */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const options = { numRuns: RUNS, seed: Number(process.env['FUZZ_SEED'] ?? 20261202) };
const TINY_KINDS = new Set(['validation', 'duplicate', 'not-found', 'auth', 'rate-limited', 'concurrency-limited', 'transient', 'maintenance', 'request', 'blocked']);

describe('Tiny notification parser', () => {
  const samples = validNotifications();

  it.each(Object.keys(samples))('parses the documented %s notification', (kind) => {
    const result = parseTinyNotification(JSON.stringify(samples[kind]));
    expect(result.ok ? result.notification.kind : result.error.reasons).toBe(kind);
  });

  it.each(Object.keys(samples))('answers every broken %s body with the notification or its reasons, never a throw', (kind) => {
    fc.assert(
      fc.property(rawBodies(samples[kind]), (raw) => {
        const result = parseTinyNotification(raw);
        if (result.ok) expect(typeof result.notification.kind).toBe('string');
        else expect(result.error.reasons.length).toBeGreaterThan(0);
      }),
      options,
    );
  });
});

describe('Tiny answer envelope', () => {
  const answers = [
    { retorno: { status_processamento: '3', status: 'OK', pedido: { id: '1', numero: '2' } } },
    { retorno: { status_processamento: '2', status: 'Erros', registros: [{ registro: { sequencia: '1', status: 'Erro', codigo_erro: '31', erros: [{ erro: 'CPF inválido' }] } }] } },
    { retorno: { status_processamento: 1, status: 'Erro', codigo_erro: '6', erros: { erro: 'API Bloqueada' } } },
  ];

  it('parses and checks every broken answer into an envelope or a TinyApiError with a kind', () => {
    fc.assert(
      fc.property(fc.oneof(...answers.map(mutated), fc.anything({ maxDepth: 3 })), (body) => {
        try {
          assertTinyOk(parseTinyEnvelope(body, 'fuzz.php'), 'fuzz.php');
        } catch (error) {
          expect(error).toBeInstanceOf(TinyApiError);
          expect(TINY_KINDS.has((error as TinyApiError).kind)).toBe(true);
        }
      }),
      options,
    );
  });
});

describe('Tiny and Ideris record mappers', () => {
  const tinyOrder = { id: '1', numero: '2', numero_ecommerce: 'IDR-1', data_pedido: '02/12/2026', situacao: 'Aprovado', ecommerce: { numeroPedidoEcommerce: 'IDR-1' }, itens: [{ item: { codigo: 'A', quantidade: '1', valor_unitario: '9.90' } }], id_nota_fiscal: '0' };
  const tinyInvoice = { id: '8', numero: '123', serie: '1', chave_acesso: '3'.repeat(44), situacao: '6', data_emissao: '02/12/2026', valor_nota: '49.90', id_venda: '1' };
  const tinyExpedition = { expedicao: { id: '5', idObjeto: '1', tipoObjeto: 'venda', idAgrupamento: '9', identificacao: 'X' } };
  const iderisOrder = {
    obj: {
      id: 2000123, code: 'MLB-1', packId: 'P1', created: '2026-12-02T10:00:00', authenticationId: 11, marketplaceName: 'Mercado Livre', statusId: 1008,
      buyer: { name: 'Maria', document: '12345678909', email: 'm@example.com' },
      items: [{ sku: 'A', codeProduct: 'MLB1', productVariation: [{ name: 'Cor', value: 'Azul' }], title: 'Camiseta', quantity: 1, price: 59.9 }],
      totalAmount: 59.9, itemsCost: 59.9,
    },
  };
  const cases: [string, unknown, (value: unknown) => unknown][] = [
    ['mapTinyOrder', tinyOrder, mapTinyOrder],
    ['mapTinyOrderSummary', tinyOrder, (v) => mapTinyOrderSummary(v as Record<string, unknown>)],
    ['mapTinyInvoice', tinyInvoice, mapTinyInvoice],
    ['mapTinyInvoiceSummary', tinyInvoice, (v) => mapTinyInvoiceSummary(v as Record<string, unknown>)],
    ['mapTinyExpedition', tinyExpedition, mapTinyExpedition],
    ['mapIderisOrderDetail', iderisOrder, mapIderisOrderDetail],
    ['mapIderisOrder', iderisOrder.obj, mapIderisOrder],
    ['mapIderisMarketplaceAccount', { id: 11, name: 'Loja', marketplaceName: 'Mercado Livre' }, mapIderisMarketplaceAccount],
  ];

  it.each(cases)('%s maps or declines every broken record without throwing', (_name, base, map) => {
    const records = fc.oneof({ weight: 4, arbitrary: mutated(base) }, { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) });
    fc.assert(
      fc.property(records, (record) => {
        // Summary mappers take records only: the callers check that much first.
        if (map.length === 1 && /Summary/.test(_name) && (record === null || typeof record !== 'object')) return;
        map(record);
      }),
      options,
    );
  });
});
