import { TinyApiError } from './tiny-api.error';
import { batchResultsOf } from './tiny-batch';
import { assertTinyOk, parseTinyEnvelope, type TinyEnvelope } from './tiny-envelope.parser';

/** The call as Tiny answers it: the envelope, run through the same check every call goes through. */
async function answered(retorno: Record<string, unknown>): Promise<TinyEnvelope> {
  return assertTinyOk(parseTinyEnvelope({ retorno }, 'produto.incluir.php'), 'produto.incluir.php');
}

const record = (sequencia: number, fields: Record<string, unknown>) => ({ registro: { sequencia: String(sequencia), ...fields } });

describe('batchResultsOf', () => {
  it.each([
    ['a block (6)', 6],
    ['too many concurrent calls (11)', 11],
    ['an unexpected error (35)', 35],
    ['maintenance (99)', 99],
  ])('rethrows %s of the whole call that comes with registros: retried, not parked per record', async (_, code) => {
    const call = answered({ status: 'Erro', codigo_erro: String(code), erros: [{ erro: 'try later' }], registros: [record(1, { status: 'Erro' }), record(2, { status: 'Erro' })] });
    const error: unknown = await batchResultsOf(call).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TinyApiError);
    expect(error).toMatchObject({ code, retryable: true });
  });

  it('keeps the records that went through when the call fails for others, the failed ones with the call’s kind', async () => {
    const call = answered({ status: 'Erro', codigo_erro: '35', registros: [record(1, { status: 'OK', id: '55' }), record(2, { status: 'Erro' })] });
    const results = await batchResultsOf(call);
    expect(results.map((r) => [r.sequence, r.ok, r.id, r.kind])).toEqual([
      [1, true, '55', undefined],
      [2, false, undefined, 'transient'],
    ]);
  });

  it('reads a record refused for its own reason per record', async () => {
    const call = answered({ status: 'OK', registros: [record(1, { status: 'OK', id: '55' }), record(2, { status: 'Erro', codigo_erro: '31', erros: [{ erro: 'código repetido' }] })] });
    const results = await batchResultsOf(call);
    expect(results.map((r) => [r.ok, r.kind])).toEqual([
      [true, undefined],
      [false, 'validation'],
    ]);
  });
});
