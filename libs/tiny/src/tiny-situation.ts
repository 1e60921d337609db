/** Order situation codes Tiny v2 accepts on input (`pedido.alterar.situacao`, `pedidos.pesquisa`). */
export type TinyOrderSituation =
  | 'aberto'
  | 'aprovado'
  | 'preparando_envio'
  | 'faturado'
  | 'pronto_envio'
  | 'enviado'
  | 'entregue'
  | 'nao_entregue'
  | 'cancelado';

/** obter/pesquisa return descriptions, with spellings that drift between screens and versions. */
const SITUATION_BY_TEXT: Record<string, TinyOrderSituation> = {
  aberto: 'aberto',
  'em aberto': 'aberto',
  aprovado: 'aprovado',
  preparando_envio: 'preparando_envio',
  'preparando envio': 'preparando_envio',
  faturado: 'faturado',
  'faturado (atendido)': 'faturado',
  atendido: 'faturado',
  pronto_envio: 'pronto_envio',
  'pronto para envio': 'pronto_envio',
  enviado: 'enviado',
  entregue: 'entregue',
  nao_entregue: 'nao_entregue',
  'não entregue': 'nao_entregue',
  'nao entregue': 'nao_entregue',
  cancelado: 'cancelado',
};

export function toTinyOrderSituation(value: unknown): TinyOrderSituation | undefined {
  if (typeof value !== 'string') return undefined;
  return SITUATION_BY_TEXT[value.trim().toLowerCase()];
}
