import type { Flow, WorkStatus } from '../api/views';

export const FLOW_LABEL: Record<Flow, string> = {
  orders: 'Pedidos',
  stock: 'Estoque',
  prices: 'Preços',
  products: 'Produtos',
  invoices: 'Notas fiscais',
  tracking: 'Rastreio',
  status: 'Situação',
  messages: 'Mensagens paradas',
};

/**
 * Reason codes (stable snake_case from the services) in an operator's words. Unknown codes fall back to
 * the raw detail the service sent, so a new code is never hidden.
 */
export const REASON_TEXT: Record<string, string> = {
  needs_mapping: 'SKU do marketplace sem de-para para um produto do Tiny',
  unknown_sku: 'SKU do marketplace sem de-para para um produto do Tiny',
  marketplace_not_selected: 'Conta de marketplace não selecionada para importar',
  invalid: 'Pedido com dados inválidos para o Tiny',
  invalid_order: 'Pedido com dados inválidos para o Tiny',
  invalid_customer: 'Cliente com CPF/CNPJ ou endereço inválido',
  refused_by_tiny: 'O Tiny recusou o pedido',
  refused_by_ideris: 'A Ideris recusou o envio',
  tiny_auth: 'Token do Tiny inválido ou expirado',
  ideris_auth: 'Chave da Ideris inválida ou expirada',
  auth: 'Credencial recusada (token do Tiny ou chave da Ideris)',
  tiny_unavailable: 'Tiny fora do ar ou lento; nova tentativa automática',
  ideris_unavailable: 'Ideris fora do ar ou lenta; nova tentativa automática',
  transient: 'Falha temporária; nova tentativa automática',
  rate_limited: 'Limite de chamadas por minuto atingido; aguardando a vez',
  budget_blocked: 'Limite de chamadas por minuto atingido; aguardando a vez',
  not_found: 'Registro não encontrado do outro lado',
  order_not_found: 'Pedido não encontrado na Ideris',
  waiting_order: 'Nota fiscal aguardando o pedido ser importado no Tiny',
  waiting_binding: 'Aguardando o pedido ser importado no Tiny',
  waiting_authorisation: 'Nota fiscal ainda não autorizada pela SEFAZ',
  invoice_cancelled: 'Nota fiscal cancelada ou denegada: não enviada',
  invoice_denied: 'Nota fiscal denegada: não enviada',
  no_carrier: 'Pedido sem transportadora no Tiny: rastreio só vai para Correios ou transportadora',
  carrier_missing: 'Forma de envio "transportadora" sem transportadora informada no Tiny',
  waiting_plp: 'Aguardando a PLP/coleta ser concluída na expedição do Tiny',
  waiting_expedition: 'Aguardando a PLP/coleta ser concluída na expedição do Tiny',
  no_tracking_code: 'Pedido ainda sem código de rastreio no Tiny',
  price_drop_held: 'Queda de preço acima do limite: aguardando confirmação',
  stale: 'Mudança antiga ignorada (já havia uma mais nova)',
  kit_component_missing: 'Kit com componente sem estoque ou sem cadastro',
  product_not_in_ideris: 'SKU não existe na Ideris',
  sku_not_found: 'SKU não encontrado',
  status_not_mapped: 'Situação sem correspondência no mapa de situações',
  needs_attention: 'Cancelado no marketplace depois de faturado: decidir no Tiny',
  late_cancellation: 'Cancelado no marketplace depois de faturado: decidir no Tiny',
  parked: 'Mensagem parada depois de esgotar as tentativas',
  gave_up: 'Tentativas esgotadas',
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
