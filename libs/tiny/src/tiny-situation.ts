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

/**
 * obter/pesquisa return descriptions, and notifications carry either the code or a description, with spellings
 * that drift between screens and versions (v2 masculine "Aprovado", v3 feminine "Aprovada"; contracts.md#tiny-situacao-pedido).
 * Keys are normalised: lower case, no accents, `_` as a space, single spaces.
 */
const SITUATION_BY_TEXT: Record<string, TinyOrderSituation> = {
  aberto: 'aberto',
  aberta: 'aberto',
  'em aberto': 'aberto',
  aprovado: 'aprovado',
  aprovada: 'aprovado',
  'preparando envio': 'preparando_envio',
  faturado: 'faturado',
  faturada: 'faturado',
  'faturado (atendido)': 'faturado',
  atendido: 'faturado',
  atendida: 'faturado',
  'pronto envio': 'pronto_envio',
  'pronto para envio': 'pronto_envio',
  enviado: 'enviado',
  enviada: 'enviado',
  entregue: 'entregue',
  'nao entregue': 'nao_entregue',
  cancelado: 'cancelado',
  cancelada: 'cancelado',
};

export function normaliseSituationText(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/_/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A v2 code (`preparando_envio`) or a description (`"Preparando envio"`, `"Cancelada"`, `"NÃO ENTREGUE"`) → the code. */
export function toTinyOrderSituation(value: unknown): TinyOrderSituation | undefined {
  if (typeof value !== 'string') return undefined;
  return SITUATION_BY_TEXT[normaliseSituationText(value)];
}
