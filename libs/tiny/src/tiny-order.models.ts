import { digitsOnly, isRecord, toCents, toDecimalString, toId, toText, unwrapList } from './tiny-coercion';
import { formatTinyDate, parseTinyDate } from './tiny-date';
import { toTinyOrderSituation, type TinyOrderSituation } from './tiny-situation';

export interface TinyAddress {
  street: string;
  number: string;
  complement?: string;
  district: string;
  zipCode: string;
  city: string;
  state: string;
}

export interface TinyCustomer {
  name: string;
  personType?: 'F' | 'J' | 'E';
  document?: string;
  email?: string;
  phone?: string;
  address?: TinyAddress;
  country?: string;
  /** `atualizar_cliente`: let the order refresh the matched contact (new address of a repeat buyer). */
  updateExisting?: boolean;
}

/** `endereco_entrega`: only sent when the goods go somewhere else or to someone else. */
export interface TinyDeliveryAddress extends TinyAddress {
  recipientName?: string;
  phone?: string;
  personType?: 'F' | 'J' | 'E';
  document?: string;
}

/** One `parcela`; a draft's installments must sum exactly to the order total or Tiny refuses it. */
export interface TinyInstallmentDraft {
  /** Days after the order date. */
  days: number;
  dueDate?: Date;
  amountCents: number;
  notes?: string;
  /** `forma_pagamento` code (`credito`, `boleto`, `pix`, …). */
  paymentMethod?: string;
  /** `meio_pagamento`: a payment means registered in the Tiny account, by name. */
  paymentMeans?: string;
}

/** NF-e intermediary of the sale (the marketplace) and, when it differs, the payment institution. */
export interface TinyIntermediaryDraft {
  name: string;
  cnpj?: string;
  paymentCnpj?: string;
}

export interface TinyOrderItemDraft {
  sku?: string;
  description: string;
  unit: string;
  /** Decimal quantity with a dot, or a number. */
  quantity: string | number;
  unitPriceCents: number;
}

export interface TinyOrderDraft {
  orderDate?: Date;
  ecommerceOrderNumber?: string;
  ecommerceName?: string;
  customer: TinyCustomer;
  items: TinyOrderItemDraft[];
  shippingCents?: number;
  situation?: TinyOrderSituation;
  notes?: string;
  /** `id_ecommerce`: the seller's integration id in Tiny, which ties the order to that channel. */
  ecommerceId?: number;
  deliveryAddress?: TinyDeliveryAddress;
  discountCents?: number;
  installments?: TinyInstallmentDraft[];
  paymentMethod?: string;
  paymentMeans?: string;
  intermediary?: TinyIntermediaryDraft;
  /** Marker descriptions; Tiny matches them by description. */
  markers?: string[];
  internalNotes?: string;
}

export interface TinyOrderItem {
  productId?: string;
  sku?: string;
  description: string;
  unit?: string;
  quantity: string;
  unitPriceCents: number;
}

export interface TinyOrderSummary {
  id: string;
  number: string;
  ecommerceOrderNumber?: string;
  orderDate?: Date;
  customerName?: string;
  totalCents?: number;
  situation?: TinyOrderSituation;
  situationText?: string;
  trackingCode?: string;
}

export interface TinyOrder extends TinyOrderSummary {
  customerDocument?: string;
  items: TinyOrderItem[];
  shippingCents?: number;
  /** Undefined while Tiny says `"0"` (no invoice yet, even when the situation already reads "faturado"). */
  invoiceId?: string;
}

export interface TinyOrderSearch {
  number?: string;
  ecommerceOrderNumber?: string;
  situation?: TinyOrderSituation;
  customerDocument?: string;
  createdFrom?: Date;
  createdTo?: Date;
  /** Incremental sync: orders changed since this instant. */
  updatedSince?: Date;
  page?: number;
  sort?: 'ASC' | 'DESC';
}

export interface TinyOrderSearchPage {
  page: number;
  pageCount: number;
  orders: TinyOrderSummary[];
}

/** `pedido.incluir` takes `{"pedido": {…}}` (wrapper included) in the `pedido` form field. */
export function toTinyOrderDocument(draft: TinyOrderDraft): string {
  const customer = draft.customer;
  const pedido = {
    data_pedido: draft.orderDate ? formatTinyDate(draft.orderDate) : undefined,
    numero_pedido_ecommerce: draft.ecommerceOrderNumber,
    ecommerce: draft.ecommerceName,
    // ASSUMPTION (docs/contracts.md#tiny-pedido-incluir): `id_ecommerce` comes from client code, not official text; sent as a number like other ids on input.
    id_ecommerce: draft.ecommerceId,
    cliente: {
      nome: customer.name,
      tipo_pessoa: customer.personType,
      cpf_cnpj: customer.document,
      email: customer.email,
      fone: customer.phone,
      endereco: customer.address?.street,
      numero: customer.address?.number,
      complemento: customer.address?.complement,
      bairro: customer.address?.district,
      cep: customer.address?.zipCode,
      cidade: customer.address?.city,
      uf: customer.address?.state,
      pais: customer.country,
      atualizar_cliente: customer.updateExisting === undefined ? undefined : customer.updateExisting ? 'S' : 'N',
    },
    endereco_entrega: draft.deliveryAddress ? toDeliveryAddress(draft.deliveryAddress) : undefined,
    itens: draft.items.map((item) => ({
      item: {
        codigo: item.sku,
        descricao: item.description,
        unidade: item.unit,
        quantidade: String(item.quantity),
        valor_unitario: centsToDecimal(item.unitPriceCents),
      },
    })),
    valor_frete: draft.shippingCents !== undefined ? centsToDecimal(draft.shippingCents) : undefined,
    valor_desconto: draft.discountCents !== undefined ? centsToDecimal(draft.discountCents) : undefined,
    parcelas: draft.installments?.map((installment) => ({ parcela: toInstallment(installment) })),
    forma_pagamento: draft.paymentMethod,
    meio_pagamento: draft.paymentMeans,
    intermediador: draft.intermediary
      ? { nome: draft.intermediary.name, cnpj: draft.intermediary.cnpj, cnpjPagamento: draft.intermediary.paymentCnpj }
      : undefined,
    marcadores: draft.markers?.map((description) => ({ marcador: { descricao: description } })),
    situacao: draft.situation,
    obs: draft.notes,
    obs_internas: draft.internalNotes,
  };
  return JSON.stringify({ pedido });
}

function toDeliveryAddress(address: TinyDeliveryAddress): Record<string, string | undefined> {
  return {
    nome_destinatario: address.recipientName,
    tipo_pessoa: address.personType,
    cpf_cnpj: address.document,
    endereco: address.street,
    numero: address.number,
    complemento: address.complement,
    bairro: address.district,
    cep: address.zipCode,
    cidade: address.city,
    uf: address.state,
    fone: address.phone,
  };
}

function toInstallment(installment: TinyInstallmentDraft): Record<string, string | undefined> {
  return {
    dias: String(installment.days),
    data: installment.dueDate ? formatTinyDate(installment.dueDate) : undefined,
    valor: centsToDecimal(installment.amountCents),
    obs: installment.notes,
    forma_pagamento: installment.paymentMethod,
    meio_pagamento: installment.paymentMeans,
  };
}

export function mapTinyOrderSummary(value: Record<string, unknown>): TinyOrderSummary | undefined {
  const id = toId(value['id']);
  if (!id) return undefined;
  return {
    id,
    number: toText(value['numero']) ?? '',
    ecommerceOrderNumber: ecommerceOrderNumberOf(value),
    orderDate: parseTinyDate(value['data_pedido']),
    customerName: toText(value['nome']),
    totalCents: toCents(value['valor']),
    situation: toTinyOrderSituation(value['situacao']),
    situationText: toText(value['situacao']),
    trackingCode: toText(value['codigo_rastreamento']),
  };
}

/**
 * The marketplace order number: `pedido.obter` lists it at the top level (`numero_ecommerce`), but answers are
 * seen with it only inside `ecommerce.numeroPedidoEcommerce` (contracts.md#tiny-pedido-obter).
 */
function ecommerceOrderNumberOf(value: Record<string, unknown>): string | undefined {
  const nested = isRecord(value['ecommerce']) ? toText(value['ecommerce']['numeroPedidoEcommerce'])?.trim() : undefined;
  return toText(value['numero_ecommerce'])?.trim() || nested || undefined;
}

export function mapTinyOrder(value: unknown): TinyOrder | undefined {
  if (!isRecord(value)) return undefined;
  const cliente = isRecord(value['cliente']) ? value['cliente'] : {};
  const summary = mapTinyOrderSummary({ ...value, nome: cliente['nome'], valor: value['total_pedido'] });
  if (!summary) return undefined;
  return {
    ...summary,
    customerDocument: digitsOnly(cliente['cpf_cnpj']) || undefined,
    items: unwrapList(value['itens'], 'item').map((item) => ({
      productId: toId(item['id_produto']),
      sku: toText(item['codigo']),
      description: toText(item['descricao']) ?? '',
      unit: toText(item['unidade']),
      quantity: toDecimalString(item['quantidade']) ?? '0',
      unitPriceCents: toCents(item['valor_unitario']) ?? 0,
    })),
    shippingCents: toCents(value['valor_frete']),
    invoiceId: toId(value['id_nota_fiscal']),
  };
}

export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(Math.round(cents));
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}
