import type { Flow, WorkStatus } from '../api/views';

export const FLOW_LABEL: Record<Flow, string> = {
  orders: 'Pedidos',
  stock: 'Estoque',
  prices: 'Preços',
  products: 'Produtos',
  invoices: 'Notas fiscais',
  tracking: 'Rastreio',
  status: 'Situações',
  messages: 'Mensagens paradas',
};

/**
 * Reason codes (stable snake_case from the services) in an operator's words. Unknown codes fall back to
 * the raw detail the service sent, so a new code is never hidden.
 */
export const REASON_TEXT: Record<string, string> = {
  // pedidos (orders)
  needs_mapping: 'Anúncio ou SKU do marketplace sem de-para para um produto do Tiny',
  marketplace_not_selected: 'Conta de marketplace não selecionada para importar',
  refused_by_tiny: 'O Tiny recusou (validação)',
  invalid_customer: 'Cliente com CPF/CNPJ ou endereço inválido',
  item_without_sku: 'Item sem SKU e sem código do anúncio: não há como fazer o de-para',
  invalid_order: 'Pedido com dados inválidos para o Tiny',
  gave_up: 'Tentativas esgotadas: o Tiny ou a Ideris não responderam',
  imported: 'Importado',
  cancelled_before_import: 'Cancelado no marketplace antes de importar',
  retrying: 'Falha temporária; nova tentativa automática',
  tiny_auth: 'Token do Tiny inválido ou expirado',
  ideris_auth: 'Chave da Ideris inválida ou expirada',
  // estoque, preços e produtos (stock, prices, products)
  unknown_sku_in_ideris: 'SKU não existe na Ideris',
  ideris_refused: 'A Ideris recusou o envio',
  tiny_product_unknown: 'Produto não encontrado no Tiny',
  no_price: 'Produto sem preço no Tiny',
  price_list_unknown: 'Lista de preços da regra não existe no Tiny',
  kit_components_missing: 'Kit aguardando seus componentes existirem',
  price_drop_held: 'Queda de preço acima do limite: aguardando confirmação',
  stale: 'Mudança antiga ignorada (já havia uma mais nova)',
  flow_off: 'Fluxo desligado nesta conexão',
  // notas fiscais (invoices)
  invoice_cancelled_or_denied: 'Nota fiscal cancelada ou denegada: não enviada',
  order_not_imported_yet: 'Aguardando o pedido ser importado no Tiny',
  invoice_not_authorised: 'Nota fiscal ainda não autorizada pela SEFAZ',
  not_an_order_of_this_hub: 'Nota de um pedido que não veio por este hub: ignorada',
  pending: 'Na fila para envio',
  sent: 'Enviado',
  // rastreio (tracking)
  no_carrier: 'Pedido sem transportadora no Tiny: rastreio só vai para Correios ou transportadora',
  no_expedition: 'Pedido ainda sem expedição no Tiny',
  no_grouping: 'Expedição ainda fora de uma PLP/coleta no Tiny',
  grouping_not_concluded: 'Aguardando a PLP/coleta ser concluída na expedição do Tiny',
  no_tracking_code: 'Pedido ainda sem código de rastreio no Tiny',
  no_binding: 'Aguardando o pedido ser importado no Tiny',
  tiny_marker_failed: 'Rastreio enviado, mas o marcador no Tiny falhou',
  waiting: 'Aguardando',
  // situação (status)
  cancelled_after_invoice: 'Cancelado no marketplace depois de faturado: decidir no Tiny',
  status_write_unconfirmed: 'Mudança de situação enviada sem confirmação do outro lado',
  in_sync: 'Sincronizado',
  synced: 'Sincronizado',
  writing: 'Gravando',
  // mensagens paradas (parked messages)
  invalid_message: 'Mensagem inválida, parada sem novas tentativas',
  parked_message: 'Mensagem parada depois de esgotar as tentativas',
  failed: 'Falhou',
  unknown: 'Motivo não informado',
};

export function reasonText(code: string | null | undefined, detail?: string | null): string {
  if (code && REASON_TEXT[code]) return REASON_TEXT[code];
  if (detail) return detail;
  return code ? code.replace(/_/g, ' ') : 'Motivo não informado';
}

export const STATUS_LABEL: Record<WorkStatus, string> = {
  queued: 'na fila',
  running: 'em execução',
  waiting: 'aguardando',
  succeeded: 'concluído',
  gave_up: 'desistiu',
};

export const ORDER_STATE_LABEL: Record<string, string> = {
  discovered: 'descoberto',
  imported: 'importado',
  needs_mapping: 'precisa de de-para',
  invalid: 'inválido',
  cancelled_before_import: 'cancelado antes de importar',
  refused: 'recusado pelo Tiny',
  skipped: 'marketplace não selecionado',
};
