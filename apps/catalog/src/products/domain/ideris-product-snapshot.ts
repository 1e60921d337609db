import type { ProductKind } from '@hub/contracts';
import type { IderisListingModel, IderisSku } from '@hub/ideris';

export interface IderisVariantSnapshot {
  variantId: number;
  skuId?: number;
  sku: string;
  quantity?: number;
  ean?: string;
  attributes: Record<string, string>;
}

/** A listing model as read from Ideris, with its SKUs' EAN and NCM code, in our own terms. */
export interface IderisProductSnapshot {
  listingModelId: number;
  skuId?: number;
  sku: string;
  title: string;
  valueCents?: number;
  costCents?: number;
  quantity?: number;
  ean?: string;
  ncm?: string;
  weightGrams?: number;
  packageWeightGrams?: number;
  packageHeightCm?: number;
  packageWidthCm?: number;
  packageLengthCm?: number;
  images: string[];
  variants: IderisVariantSnapshot[];
  kit: Array<{ sku: string; quantity: number }>;
}

/**
 * `skus` holds `/sku/search` answers (EAN, NCM id, stock) for the model's and variants' SKUs; `ncmCodes` maps an
 * NCM id to its code. Undefined when the model has no SKU (nothing to bind it by).
 */
export function snapshotFromListingModel(model: IderisListingModel, skus: ReadonlyMap<string, IderisSku>, ncmCodes: ReadonlyMap<number, string>): IderisProductSnapshot | undefined {
  const sku = model.sku?.trim();
  if (!sku) return undefined;
  const own = skus.get(sku);
  const ncmId = own?.ncmId ?? model.variants.map((variant) => (variant.sku ? skus.get(variant.sku)?.ncmId : undefined)).find((id) => id !== undefined);
  return {
    listingModelId: model.id,
    skuId: model.skuId ?? own?.id,
    sku,
    title: (model.title ?? sku).trim(),
    valueCents: reaisToCents(model.value),
    costCents: reaisToCents(model.cost),
    quantity: own?.currentStock,
    ean: blank(own?.ean),
    ncm: ncmId !== undefined ? ncmCodes.get(ncmId) : undefined,
    weightGrams: positive(model.weightGrams),
    packageWeightGrams: positive(model.packageWeightGrams),
    packageHeightCm: positive(model.packageHeightCm),
    packageWidthCm: positive(model.packageWidthCm),
    packageLengthCm: positive(model.packageLengthCm),
    images: [...new Set(model.images)],
    variants: model.variants.flatMap((variant) => {
      const variantSku = variant.sku?.trim();
      if (!variantSku) return [];
      const info = skus.get(variantSku);
      return [{ variantId: variant.id, skuId: variant.skuId ?? info?.id, sku: variantSku, quantity: info?.currentStock ?? variant.quantity, ean: blank(info?.ean), attributes: variant.attributes }];
    }),
    kit: model.kit.filter((item) => item.quantity > 0),
  };
}

export function kindOfSnapshot(snapshot: Pick<IderisProductSnapshot, 'kit' | 'variants'>): Exclude<ProductKind, 'variation'> {
  if (snapshot.kit.length > 0) return 'kit';
  return snapshot.variants.length > 0 ? 'parent' : 'simple';
}

/** Ideris money is a JSON number of reais; cents are rounded once. */
export function reaisToCents(value: number | undefined): number | undefined {
  return value === undefined || !Number.isFinite(value) ? undefined : Math.round(value * 100);
}

function blank(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text ? text : undefined;
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}
