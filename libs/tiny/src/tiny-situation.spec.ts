import { toTinyOrderSituation } from './tiny-situation';

describe('Tiny order situation descriptions', () => {
  it.each([
    ['Em aberto', 'aberto'],
    ['Aberto', 'aberto'],
    ['Faturado (atendido)', 'faturado'],
    ['Atendido', 'faturado'],
    ['Preparando envio', 'preparando_envio'],
    ['Pronto para envio', 'pronto_envio'],
    ['Não Entregue', 'nao_entregue'],
    ['  CANCELADO ', 'cancelado'],
    ['enviado', 'enviado'],
    ['Dados Incompletos', undefined],
    [3, undefined],
  ])('%p → %p', (input, expected) => {
    expect(toTinyOrderSituation(input)).toBe(expected);
  });
});
