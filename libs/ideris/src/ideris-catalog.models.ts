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
  /** NCM is referenced by id (`GET /ncm/{id}` → code). */
  ncmId?: number;
  /** Sum of `stocks[].currentStock` (one SKU may have several warehouses). */
  currentStock: number;
}

export interface IderisListingModelVariant {
  id: number;
  sku?: string;
  skuId?: number;
  quantity?: number;
  /** Attribute name → value (read from `variantAttribute[]`). */
  attributes: Record<string, string>;
}

export interface IderisListingModel {
  id: number;
  sku?: string;
  skuId?: number;
  title?: string;
  /** Price. */
  value?: number;
  cost?: number;
  statusId?: number;
  /** Weights in grams, package dimensions in centimetres (ASSUMPTION on the units, docs/contracts.md#ideris-listing-model-writes). */
  weightGrams?: number;
  packageWeightGrams?: number;
  packageHeightCm?: number;
  packageWidthCm?: number;
  packageLengthCm?: number;
  /** Image URLs in their `order`. */
  images: string[];
  variants: IderisListingModelVariant[];
  /** Kit composition (ASSUMED field, see the draft). */
  kit: Array<{ sku: string; quantity: number }>;
}

export interface IderisNcm {
  id: number;
  code: string;
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
  ean?: string;
  /** 8-digit NCM code. */
  ncm?: string;
  /** ASSUMPTION (docs/contracts.md#ideris-listing-model-writes): grams and centimetres, the units of the legacy product's `peso`/`altura`… */
  weightGrams?: number;
  packageWeightGrams?: number;
  packageHeightCm?: number;
  packageWidthCm?: number;
  packageLengthCm?: number;
  /** At most 10, `.jpg/.jpeg/.png` (legacy limits). */
  images?: string[];
  variants?: Array<{ sku: string; quantity?: number; ean?: string; attributes?: Record<string, string> }>;
  /** Components by SKU (they must exist in Ideris first). */
  kit?: Array<{ sku: string; quantity: number }>;
}

/** What `updateListingModel` may change: everything but the SKU; variants are matched by SKU or added. */
export type IderisListingModelChanges = Partial<Omit<IderisListingModelDraft, 'sku'>>;

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
  return {
    id: num(value['id']),
    sku,
    title: str(value['title']),
    ean: str(value['ean']),
    ncmId: num(value['ncmId']),
    currentStock: stocks.reduce((sum, stock) => sum + (num(stock['currentStock']) ?? 0), 0),
  };
}

export function mapIderisListingModel(value: unknown): IderisListingModel | undefined {
  if (!isRecord(value)) return undefined;
  const id = num(value['id']);
  if (id === undefined) return undefined;
  const variants = Array.isArray(value['variant']) ? value['variant'].filter(isRecord) : [];
  const images = Array.isArray(value['listingModelImage']) ? value['listingModelImage'].filter(isRecord) : [];
  const kit = Array.isArray(value['kit']) ? value['kit'].filter(isRecord) : [];
  return {
    id,
    sku: str(value['sku']),
    skuId: num(value['skuId']),
    title: str(value['title']),
    value: num(value['value']),
    cost: num(value['cost']),
    statusId: num(value['statusId']),
    weightGrams: num(value['weight']),
    packageWeightGrams: num(value['weightPackage']),
    packageHeightCm: num(value['heightPackage']),
    packageWidthCm: num(value['widthPackage']),
    packageLengthCm: num(value['lengthPackage']),
    images: images
      .map((image) => ({ url: str(image['url']), order: num(image['order']) ?? 0 }))
      .filter((image): image is { url: string; order: number } => image.url !== undefined)
      .sort((a, b) => a.order - b.order)
      .map((image) => image.url),
    variants: variants.flatMap((variant) => {
      const variantId = num(variant['id']);
      const attributes = Array.isArray(variant['variantAttribute']) ? variant['variantAttribute'].filter(isRecord) : [];
      return variantId === undefined
        ? []
        : [
            {
              id: variantId,
              sku: str(variant['sku']),
              skuId: num(variant['skuId']),
              quantity: num(variant['quantity']),
              attributes: Object.fromEntries(
                attributes.flatMap((attribute) => {
                  const name = str(attribute['attributeName']) ?? str(attribute['name']);
                  const text = str(attribute['attributeValue']);
                  return name && text !== undefined ? [[name, text]] : [];
                }),
              ),
            },
          ];
    }),
    kit: kit.flatMap((item) => {
      const sku = str(item['sku']);
      const quantity = num(item['quantity']);
      return sku && quantity !== undefined ? [{ sku, quantity }] : [];
    }),
  };
}

export function mapIderisNcm(value: unknown): IderisNcm | undefined {
  if (!isRecord(value)) return undefined;
  const id = num(value['id']);
  const code = str(value['code']);
  return id === undefined || code === undefined ? undefined : { id, code: code.replace(/\D/g, '') };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
