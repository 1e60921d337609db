import { digitsOnly, isRecord, toCents, toId, toInt, toText } from './tiny-coercion';
import { parseTinyDate } from './tiny-date';

export interface TinyInvoiceSummary {
  id: string;
  type?: string;
  series?: string;
  number: string;
  ecommerceOrderNumber?: string;
  issuedAt?: Date;
  customerName?: string;
  totalCents?: number;
  /** 6 Autorizada, 7 Emitida DANFE, 3 Cancelada… */
  situation?: number;
  situationText?: string;
  /** 44 digits. */
  accessKey?: string;
  trackingCode?: string;
  trackingUrl?: string;
}

export interface TinyInvoice extends TinyInvoiceSummary {
  orderId?: string;
  customerDocument?: string;
}

export interface TinyInvoiceSearch {
  type?: 'E' | 'S';
  number?: string;
  ecommerceOrderNumber?: string;
  customerDocument?: string;
  situation?: number;
  issuedFrom?: Date;
  issuedTo?: Date;
  page?: number;
}

/** What an invoice notification may name it by, when its Tiny id is missing (1.0.0 senders). */
export interface TinyInvoiceLocator {
  invoiceId?: string;
  orderId?: string;
  accessKey?: string;
  number?: string;
  series?: string;
  ecommerceOrderNumber?: string;
}

export interface TinyInvoiceSearchPage {
  page: number;
  pageCount: number;
  invoices: TinyInvoiceSummary[];
}

export type TinyShippingMethod = 'C' | 'T' | 'M' | 'B' | 'X' | 'S' | (string & {});

/** An order marker by Tiny id or by description (created when it does not exist). */
export type TinyOrderMarker = { id: string } | { description: string };

export interface TinyDispatchUpdate {
  orderId: string;
  trackingCode: string;
  trackingUrl?: string;
  /** v2 single letter: C Correios, T transportadora… */
  shippingMethod?: TinyShippingMethod;
  freightService?: string;
  /** Tiny considers it only with shippingMethod `T` (a carrier registered in Tiny); not sent otherwise. */
  carrier?: string;
  volumes?: number;
  grossWeightKg?: string;
}

export interface TinyExpedition {
  id: string;
  objectId?: string;
  objectType?: 'venda' | 'notafiscal';
  groupingId?: string;
  /** ASSUMPTION (docs/contracts.md#tiny-expedicao) (sandbox-defined): `PLP` for Correios, `Coleta` for carriers. */
  groupingType?: string;
  groupingConcluded?: boolean;
  identification?: string;
  shippingMethod?: string;
  trackingCode?: string;
  trackingUrl?: string;
  carrier?: string;
  issuedAt?: Date;
}

export type TinyExpeditionRef = { expeditionId: string } | { orderId: string } | { invoiceId: string };

export interface TinyExpeditionSearch {
  /** Required by Tiny. */
  shippingMethod: TinyShippingMethod;
  from?: Date;
  to?: Date;
  includeGrouped?: boolean;
  includeUndefined?: boolean;
  page?: number;
}

export function mapTinyInvoiceSummary(value: Record<string, unknown>): TinyInvoiceSummary | undefined {
  const id = toId(value['id']);
  if (!id) return undefined;
  const cliente = isRecord(value['cliente']) ? value['cliente'] : {};
  return {
    id,
    type: toText(value['tipo'] ?? value['tipo_nota']),
    series: toText(value['serie']),
    number: toText(value['numero']) ?? '',
    ecommerceOrderNumber: toText(value['numero_ecommerce']),
    issuedAt: parseTinyDate(value['data_emissao']),
    customerName: toText(value['nome']) ?? toText(cliente['nome']),
    totalCents: toCents(value['valor'] ?? value['valor_nota']),
    situation: toInt(value['situacao']),
    situationText: toText(value['descricao_situacao']),
    accessKey: digitsOnly(value['chave_acesso']) || undefined,
    trackingCode: toText(value['codigo_rastreamento']),
    trackingUrl: toText(value['url_rastreamento']),
  };
}

export function mapTinyInvoice(value: unknown): TinyInvoice | undefined {
  if (!isRecord(value)) return undefined;
  const summary = mapTinyInvoiceSummary(value);
  if (!summary) return undefined;
  const cliente = isRecord(value['cliente']) ? value['cliente'] : {};
  return { ...summary, orderId: toId(value['id_venda']), customerDocument: digitsOnly(cliente['cpf_cnpj']) || undefined };
}

export function mapTinyExpedition(value: unknown): TinyExpedition | undefined {
  if (!isRecord(value)) return undefined;
  const id = toId(value['id']);
  if (!id) return undefined;
  const objectType = toText(value['tipoObjeto']);
  const grouping = isRecord(value['agrupamento']) ? value['agrupamento'] : undefined;
  const carrier = isRecord(value['transportadora']) ? toText(value['transportadora']['nome']) : toText(value['transportadora']);
  return {
    id,
    objectId: toId(value['idObjeto']),
    objectType: objectType === 'venda' || objectType === 'notafiscal' ? objectType : undefined,
    groupingId: toId(value['idAgrupamento']),
    groupingType: grouping ? toText(grouping['tipo']) : undefined,
    groupingConcluded: grouping ? toText(grouping['concluido']) === 'S' : undefined,
    identification: toText(value['identificacao']),
    shippingMethod: toText(value['formaEnvio']),
    trackingCode: toText(value['codigoRastreamento']),
    trackingUrl: toText(value['urlRastreamento']),
    carrier,
    issuedAt: parseTinyDate(value['dataEmissao']),
  };
}
