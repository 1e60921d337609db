import { isRecord } from '../common/request-params';
import type { TinyOrder, TinyOrderItem } from './tiny-data.store';
import { TinyBusinessError } from './tiny-retorno';
import { situationCode } from './tiny-situations';
import { decimal, money, parseTinyDate, text, tinyDate } from './tiny-wire';

/** Validates a `pedido.incluir` document the way Tiny reports it: every problem in one registro. */
export function buildOrder(pedido: Record<string, unknown>, ids: { id: number; numero: number }, now: number): TinyOrder {
  const errors: string[] = [];
  const cliente = isRecord(pedido['cliente']) ? pedido['cliente'] : undefined;
  if (!cliente || !text(cliente['nome'])) errors.push('O nome do cliente deve ser informado');
  const itens = (Array.isArray(pedido['itens']) ? pedido['itens'] : []).map((entry) => (isRecord(entry) && isRecord(entry['item']) ? entry['item'] : entry));
  if (itens.length === 0) errors.push('O pedido deve ter pelo menos um item');
  const items: TinyOrderItem[] = [];
  itens.forEach((item, index) => {
    const parsed = parseItem(item, index + 1, errors);
    if (parsed) items.push(parsed);
  });
  const situacao = situationCode(text(pedido['situacao']));
  if (!situacao) errors.push(`Situação inválida: ${String(pedido['situacao'])}`);
  const dataPedido = text(pedido['data_pedido']);
  if (dataPedido !== undefined && parseTinyDate(dataPedido) === undefined) errors.push('data_pedido deve estar no formato dd/mm/aaaa');
  const frete = pedido['valor_frete'] === undefined ? 0 : decimal(pedido['valor_frete']);
  if (frete === undefined) errors.push('campo valor_frete deve ser decimal, separado por ponto');
  if (errors.length > 0) throw new TinyBusinessError(31, errors);

  const totalProdutos = items.reduce((sum, item) => sum + Number(item.quantidade) * Number(item.valorUnitario), 0);
  return {
    ...ids,
    numeroEcommerce: text(pedido['numero_pedido_ecommerce']),
    ecommerce: text(pedido['ecommerce']),
    dataPedido: dataPedido ?? tinyDate(now),
    situacao: situacao ?? 'aberto',
    cliente: cliente ?? {},
    itens: items,
    valorFrete: money(frete ?? 0),
    totalProdutos: money(totalProdutos),
    totalPedido: money(totalProdutos + (frete ?? 0)),
    obs: text(pedido['obs']),
    createdAt: now,
    updatedAt: now,
  };
}

function parseItem(item: unknown, position: number, errors: string[]): TinyOrderItem | undefined {
  if (!isRecord(item)) {
    errors.push(`Item ${position}: formato inválido`);
    return undefined;
  }
  const descricao = text(item['descricao']);
  const unidade = text(item['unidade']);
  const quantidade = decimal(item['quantidade']);
  const valorUnitario = decimal(item['valor_unitario']);
  if (!descricao) errors.push(`Item ${position}: a descrição deve ser informada`);
  if (!unidade) errors.push(`Item ${position}: a unidade deve ser informada`);
  if (quantidade === undefined || quantidade <= 0) errors.push(`Item ${position}: campo quantidade deve ser decimal, separado por ponto`);
  if (valorUnitario === undefined) errors.push(`Item ${position}: campo valor_unitario deve ser decimal, separado por ponto`);
  if (!descricao || !unidade || quantidade === undefined || valorUnitario === undefined) return undefined;
  return { codigo: text(item['codigo']) ?? '', descricao, unidade, quantidade: quantidade.toFixed(2), valorUnitario: money(valorUnitario) };
}
