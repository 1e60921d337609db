import { TinyApiError } from './tiny-api.error';
import { assertTinyOk, parseRegistros, parseTinyEnvelope } from './tiny-envelope.parser';

function check(body: unknown): TinyApiError | undefined {
  try {
    assertTinyOk(parseTinyEnvelope(body, 'x.php'), 'x.php');
    return undefined;
  } catch (error: unknown) {
    if (error instanceof TinyApiError) return error;
    throw error;
  }
}

describe('Tiny retorno envelope', () => {
  it.each([
    ['numbers', { status_processamento: 1, status: 'Erro', codigo_erro: 2, erros: [{ erro: 'token invalido' }] }, 'auth', 2],
    ['strings', { status_processamento: '1', status: 'Erro', codigo_erro: '1', erros: [{ erro: 'token não informado' }] }, 'auth', 1],
    ['block without status_processamento', { status: 'Erro', codigo_erro: '6', erros: [{ erro: 'API Bloqueada' }] }, 'rate-limited', 6],
    ['concurrency block', { status: 'Erro', codigo_erro: '11', erros: [] }, 'concurrency-limited', 11],
    ['not found', { status_processamento: 2, status: 'Erro', codigo_erro: 32, erros: [{ erro: 'Pedido não localizado' }] }, 'not-found', 32],
    ['empty search', { status_processamento: '2', status: 'Erro', codigo_erro: '20', erros: [] }, 'empty', 20],
    ['page past the end', { status: 'Erro', codigo_erro: 23 }, 'empty', 23],
    ['unexpected error', { status: 'Erro', codigo_erro: 35 }, 'transient', 35],
    ['maintenance', { status: 'Erro', codigo_erro: '99' }, 'maintenance', 99],
    ['validation', { status: 'Erro', codigo_erro: 31 }, 'validation', 31],
    ['unknown code', { status: 'Erro', codigo_erro: 77 }, 'request', 77],
  ])('maps an error envelope with %s to its kind', (_label, retorno, kind, code) => {
    const error = check({ retorno });
    expect(error?.kind).toBe(kind);
    expect(error?.code).toBe(code);
  });

  it('keeps the messages and the field path of newer services', () => {
    const error = check({ retorno: { status: 'Erro', codigo_erro: 10, erros: [{ erro: 'soma das parcelas', campo: 'parcelas.[1].valor' }] } });
    expect(error?.messages).toEqual([{ erro: 'soma das parcelas', campo: 'parcelas.[1].valor' }]);
    expect(error?.message).toContain('soma das parcelas');
  });

  it('reads the code from inside the failed registro when the top level has none (duplicate order)', () => {
    const error = check({
      retorno: {
        status_processamento: 2,
        status: 'Erro',
        registros: [{ registro: { sequencia: '1', status: 'Erro', codigo_erro: '30', erros: [{ erro: 'Registro em duplicidade' }] } }],
      },
    });
    expect(error).toMatchObject({ kind: 'duplicate', code: 30, messages: [{ erro: 'Registro em duplicidade' }] });
  });

  it('accepts OK with status_processamento as a string', () => {
    const envelope = parseTinyEnvelope({ retorno: { status_processamento: '3', status: 'OK' } }, 'x.php');
    expect(envelope.statusProcessamento).toBe(3);
    expect(check({ retorno: { status_processamento: '3', status: 'OK' } })).toBeUndefined();
  });

  it('treats a body without retorno as transient', () => {
    expect(check({ foo: 1 })?.kind).toBe('transient');
    expect(check('<html>')?.kind).toBe('transient');
  });

  it('reads registros as an object and as an array alike', () => {
    const asObject = parseRegistros({ registro: { sequencia: '1', status: 'OK', id: '37644545', numero: '37644545' } });
    const asArray = parseRegistros([{ registro: { sequencia: 1, status: 'OK', id: 37644545 } }]);
    expect(asObject).toHaveLength(1);
    expect(asArray).toHaveLength(1);
    expect(asObject[0]).toMatchObject({ sequencia: 1, status: 'OK', id: '37644545' });
    expect(asArray[0]).toMatchObject({ sequencia: 1, status: 'OK', id: '37644545' });
    expect(parseRegistros(undefined)).toEqual([]);
  });
});
