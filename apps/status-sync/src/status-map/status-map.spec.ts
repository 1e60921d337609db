import { defaultStatusMap, validateStatusMap, watchedIderisStatuses } from './status-map';

describe('defaultStatusMap', () => {
  it('falls back to the known ids without a catalogue', () => {
    expect(defaultStatusMap()).toEqual({
      tinyToIderis: { aberto: null, aprovado: 1008, preparando_envio: 1008, faturado: 1010, pronto_envio: 1009, enviado: 1009, entregue: 1011, nao_entregue: null, cancelado: 1012 },
      iderisToTiny: { '1011': 'entregue', '1012': 'cancelado' },
    });
  });

  it('finds system statuses in the seller catalogue by description, whatever the accents and case', () => {
    const map = defaultStatusMap([
      { id: 5, description: 'CANCELADO' },
      { id: 6, description: 'Expedição' },
      { id: 7, description: 'Faturado' },
      { id: 1223, description: 'Impressão' },
      { id: 8, description: 'Cancelado' },
    ]);
    expect(map.tinyToIderis).toMatchObject({ cancelado: 5, enviado: 6, pronto_envio: 6, faturado: 7, aprovado: 1008 });
    expect(map.iderisToTiny).toEqual({ '1011': 'entregue', '5': 'cancelado' });
  });

  it("adds the connection's import map (Ideris id → Tiny situation), seller statuses included", () => {
    const map = defaultStatusMap([], { '1223': 'preparando_envio', '1012': 'cancelado', bad: 'aberto' });
    expect(map.iderisToTiny).toEqual({ '1011': 'entregue', '1012': 'cancelado', '1223': 'preparando_envio' });
    expect(watchedIderisStatuses(map)).toEqual([1011, 1012, 1223]);
  });
});

describe('validateStatusMap', () => {
  it.each<[string, unknown, string[]]>([
    ['not an object', 'x', ['the map must be an object with tinyToIderis and iderisToTiny']],
    ['arrays', { tinyToIderis: [], iderisToTiny: {} }, ['tinyToIderis must be an object']],
    ['unknown situation', { tinyToIderis: { atendido: 1 }, iderisToTiny: {} }, [expect.stringContaining('"atendido" is not a Tiny situation')]],
    ['bad id', { tinyToIderis: { faturado: 1.5 }, iderisToTiny: {} }, ['tinyToIderis.faturado: an Ideris status id (positive integer) or null']],
    ['bad Ideris key', { tinyToIderis: {}, iderisToTiny: { abc: 'cancelado' } }, ['iderisToTiny: "abc" is not an Ideris status id']],
    ['bad Tiny value', { tinyToIderis: {}, iderisToTiny: { '1012': 'Cancelado' } }, ['iderisToTiny.1012: "Cancelado" is not a Tiny situation']],
  ])('refuses %s', (_name, input, problems) => {
    expect(validateStatusMap(input)).toEqual({ ok: false, problems });
  });

  it('accepts a complete map, nulls included', () => {
    const map = { tinyToIderis: { faturado: 1010, aberto: null }, iderisToTiny: { '1012': 'cancelado' } };
    expect(validateStatusMap(map)).toEqual({ ok: true, map });
  });
});
