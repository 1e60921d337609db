import { isRecord } from './ideris-order.models';

export interface IderisStatus {
  id: number;
  description: string;
  module?: string;
}

export interface IderisSku {
  id?: number;
  sku: string;
  title?: string;
  ean?: string;
  /** Sum of `stocks[].currentStock` (one SKU may have several warehouses). */
  currentStock: number;
}

export interface IderisListingModelVariant {
  id: number;
  sku?: string;
  quantity?: number;
}

export interface IderisListingModel {
  id: number;
  sku?: string;
  title?: string;
  /** Price. */
  value?: number;
  cost?: number;
  statusId?: number;
  variants: IderisListingModelVariant[];
}

export interface IderisInvoiceSubmission {
  orderId: number;
  /** 44-digit NF-e access key. */
  key: string;
  number: string;
  series: string;
  issuedAt: Date;
  danfeUrl?: string;
  valueCents?: number;
  /** The authorised NF-e XML (`<nfeProc>…`): Tiny v2 gives its content, not a link. */
  xml?: string;
}

export interface IderisTrackingSubmission {
  orderId: number;
  trackingCode: string;
  trackingUrl?: string;
  carrier?: string;
  /** `Correios` or `Transportadora`. */
  shippingMethod?: string;
  /** The freight service (`PAC`, `SEDEX`, a carrier's service), when known. */
  freightService?: string;
}

export interface IderisListingModelDraft {
  sku: string;
  /** At most 60 characters (limit found by integrators on the legacy API). */
  title: string;
  value: number;
  cost?: number;
  quantity?: number;
  variants?: Array<{ sku: string; quantity?: number }>;
}

export function mapIderisStatus(value: unknown): IderisStatus | undefined {
  if (!isRecord(value)) return undefined;
  const id = num(value['id']);
  // Clients saw the label as `description` or `name`.
  const description = str(value['description']) ?? str(value['name']);
  if (id === undefined || description === undefined) return undefined;
  return { id, description, module: str(value['module']) };
}

export function mapIderisSku(value: unknown): IderisSku | undefined {
  if (!isRecord(value)) return undefined;
  const sku = str(value['sku']);
  if (!sku) return undefined;
  const stocks = Array.isArray(value['stocks']) ? value['stocks'].filter(isRecord) : [];
  return { id: num(value['id']), sku, title: str(value['title']), ean: str(value['ean']), currentStock: stocks.reduce((sum, stock) => sum + (num(stock['currentStock']) ?? 0), 0) };
}

export function mapIderisListingModel(value: unknown): IderisListingModel | undefined {
  if (!isRecord(value)) return undefined;
  const id = num(value['id']);
  if (id === undefined) return undefined;
  const variants = Array.isArray(value['variant']) ? value['variant'].filter(isRecord) : [];
  return {
    id,
    sku: str(value['sku']),
    title: str(value['title']),
    value: num(value['value']),
    cost: num(value['cost']),
    statusId: num(value['statusId']),
    variants: variants.flatMap((variant) => {
      const variantId = num(variant['id']);
      return variantId === undefined ? [] : [{ id: variantId, sku: str(variant['sku']), quantity: num(variant['quantity']) }];
    }),
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
