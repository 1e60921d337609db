import { parseTinyNotification } from './tiny-notification.parser';
import { tinySituationNoticeOf } from './tiny-situation.notice';

function changeOf(body: object) {
  const parsed = parseTinyNotification(JSON.stringify(body));
  if (!parsed.ok) throw parsed.error;
  return tinySituationNoticeOf(parsed.notification);
}

const envelope = { versao: '1.0.0', cnpj: '12345678000195', idEcommerce: 777 };

describe('tinySituationNoticeOf', () => {
  it.each<[string, object, object | undefined]>([
    ['situacao_pedido with a code', { ...envelope, tipo: 'situacao_pedido', dados: { idVendaTiny: 55, situacao: 'faturado' } }, { tinyOrderId: '55', situation: 'faturado' }],
    ['situacao_pedido with a description', { ...envelope, tipo: 'situacao_pedido', dados: { idVendaTiny: '56', situacao: 'Faturado (atendido)' } }, { tinyOrderId: '56', situation: 'faturado' }],
    ['situacao_pedido falling back to descricaoSituacao', { ...envelope, tipo: 'situacao_pedido', dados: { idVendaTiny: 57, situacao: '?', descricaoSituacao: 'Pronto para envio' } }, { tinyOrderId: '57', situation: 'pronto_envio' }],
    ['atualizacao_pedido with codigoSituacao', { versao: '1.0.0', cnpj: '12345678000195', tipo: 'atualizacao_pedido', dados: { id: 58, codigoSituacao: 'cancelado', descricaoSituacao: 'Cancelado' } }, { tinyOrderId: '58', situation: 'cancelado' }],
    ['atualizacao_pedido with a description only', { versao: '1.0.0', cnpj: '12345678000195', tipo: 'atualizacao_pedido', dados: { id: '59', descricaoSituacao: 'Não entregue' } }, { tinyOrderId: '59', situation: 'nao_entregue' }],
    // Integrators' fixtures (docs/contracts.md#tiny-situacao-pedido): descriptions, feminine or not, any case or accents.
    ['situacao "Aprovada" (feminine) alone', { ...envelope, tipo: 'situacao_pedido', dados: { idVendaTiny: 61, situacao: 'Aprovada' } }, { tinyOrderId: '61', situation: 'aprovado' }],
    ['situacao "Aprovada" next to descricaoSituacao "Aprovado"', { ...envelope, tipo: 'situacao_pedido', dados: { idVendaTiny: 62, situacao: 'Aprovada', descricaoSituacao: 'Aprovado' } }, { tinyOrderId: '62', situation: 'aprovado' }],
    ['situacao "Cancelada"', { ...envelope, tipo: 'situacao_pedido', dados: { idVendaTiny: 63, situacao: 'Cancelada' } }, { tinyOrderId: '63', situation: 'cancelado' }],
    ['situacao "PREPARANDO ENVIO"', { ...envelope, tipo: 'situacao_pedido', dados: { idVendaTiny: 64, situacao: 'PREPARANDO ENVIO' } }, { tinyOrderId: '64', situation: 'preparando_envio' }],
    ['situacao "Faturada"', { ...envelope, tipo: 'situacao_pedido', dados: { idVendaTiny: 65, situacao: 'Faturada' } }, { tinyOrderId: '65', situation: 'faturado' }],
    ['situacao "Nao Entregue" without the accent', { ...envelope, tipo: 'situacao_pedido', dados: { idVendaTiny: 66, situacao: 'Nao Entregue' } }, { tinyOrderId: '66', situation: 'nao_entregue' }],
    ['an unknown situation', { ...envelope, tipo: 'situacao_pedido', dados: { idVendaTiny: 60, situacao: 'Dados incompletos' } }, undefined],
    ['another kind', { ...envelope, tipo: 'estoque', dados: { tipoEstoque: 'F', saldo: 1, idProduto: 1, sku: 'A', skuMapeamento: 'A', skuMapeamentoPai: '' } }, undefined],
  ])('%s', (_name, body, expected) => {
    expect(changeOf(body)).toEqual(expected);
  });
});
