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
    },
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
    situacao: draft.situation,
    obs: draft.notes,
  };
  return JSON.stringify({ pedido });
}

export function mapTinyOrderSummary(value: Record<string, unknown>): TinyOrderSummary | undefined {
  const id = toId(value['id']);
  if (!id) return undefined;
  return {
    id,
    number: toText(value['numero']) ?? '',
    ecommerceOrderNumber: toText(value['numero_ecommerce']),
    orderDate: parseTinyDate(value['data_pedido']),
    customerName: toText(value['nome']),
    totalCents: toCents(value['valor']),
    situation: toTinyOrderSituation(value['situacao']),
    situationText: toText(value['situacao']),
    trackingCode: toText(value['codigo_rastreamento']),
  };
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
