import type { IderisListingModelChanges, IderisListingModelDraft } from '@hub/ideris';
import { toDecimalString, type TinyProductDraft, type TinyProductNotice } from '@hub/tiny';
import type { IderisProductSnapshot } from './ideris-product-snapshot';

/** Legacy limits found by integrators, kept by the assumed v3 write: title ≤ 60, ≤ 10 images, .jpg/.jpeg/.png only. */
export const IDERIS_TITLE_MAX = 60;
export const IDERIS_IMAGES_MAX = 10;
const IDERIS_IMAGE = /^https?:\/\/\S+\.(jpe?g|png)(\?\S*)?$/i;
const EAN = /^(\d{8}|\d{12,14})$/;

/**
 * Tiny → Ideris: the listing model (and its SKUs) a Tiny product becomes. `componentSkus` maps each kit
 * component's Tiny id to its SKU. The initial quantity is Tiny's stock in whole units minus the connection's
 * safety buffer; prices and stock afterwards belong to the price and stock flows, so an update sends neither.
 */
export function iderisDraftFromNotice(notice: TinyProductNotice, componentSkus: ReadonlyMap<string, string>, safetyBuffer: number): IderisListingModelDraft {
  const sku = notice.sku!;
  return {
    sku,
    title: iderisTitle(notice.name),
    value: (notice.priceCents ?? 0) / 100,
    cost: notice.costCents !== undefined ? notice.costCents / 100 : undefined,
    quantity: notice.variations.length > 0 ? 0 : wholeUnits(notice.stock, safetyBuffer),
    ean: validEan(notice.gtin),
    ncm: notice.ncm && /^\d{8}$/.test(notice.ncm) ? notice.ncm : undefined,
    weightGrams: grams(notice.netWeightKg),
    packageWeightGrams: grams(notice.grossWeightKg),
    packageHeightCm: centimetres(notice.packaging.heightCm),
    packageWidthCm: centimetres(notice.packaging.widthCm),
    packageLengthCm: centimetres(notice.packaging.lengthCm),
    images: iderisImages(notice.images),
    variants: notice.variations
      .filter((variation) => variation.sku)
      .map((variation) => ({ sku: variation.sku!, quantity: wholeUnits(variation.stock, safetyBuffer), ean: validEan(variation.gtin), attributes: variation.grid })),
    kit: notice.kit.map((item) => ({ sku: componentSkus.get(item.tinyProductId)!, quantity: Number(item.quantity) })),
  };
}

/** What an update of an existing listing model sends: the draft without SKU, price and stock. */
export function iderisChangesOf(draft: IderisListingModelDraft): IderisListingModelChanges {
  const { sku: _sku, value: _value, quantity: _quantity, ...changes } = draft;
  return changes;
}

/**
 * Ideris → Tiny: the product a listing model becomes, variations as children, a kit of Tiny ids (`componentIds`
 * maps component SKU → Tiny id). Creating sends price and initial stock; an update sends neither (Tiny is where
 * prices and stock are kept, and they flow to Ideris by their own notifications).
 */
export function tinyDraftFromSnapshot(snapshot: IderisProductSnapshot, componentIds: ReadonlyMap<string, string>, creating: boolean, tinyProductId?: string): TinyProductDraft {
  const draft: TinyProductDraft = {
    id: tinyProductId,
    sku: snapshot.sku,
    name: snapshot.title,
    unit: creating ? 'UN' : undefined,
    priceCents: creating ? (snapshot.valueCents ?? 0) : undefined,
    costCents: snapshot.costCents && snapshot.costCents > 0 ? snapshot.costCents : undefined,
    ncm: snapshot.ncm,
    gtin: snapshot.ean,
    netWeightKg: kilograms(snapshot.weightGrams),
    grossWeightKg: kilograms(snapshot.packageWeightGrams),
    packaging: {
      heightCm: decimal(snapshot.packageHeightCm),
      widthCm: decimal(snapshot.packageWidthCm),
      lengthCm: decimal(snapshot.packageLengthCm),
    },
    images: snapshot.images.length > 0 ? snapshot.images : undefined,
    initialStock: creating && snapshot.variants.length === 0 ? snapshot.quantity : undefined,
    variations: snapshot.variants.length > 0
      ? snapshot.variants.map((variant) => ({
          sku: variant.sku,
          gtin: variant.ean,
          grid: variant.attributes,
          priceCents: creating ? snapshot.valueCents : undefined,
          initialStock: creating ? variant.quantity : undefined,
        }))
      : undefined,
    kit: snapshot.kit.length > 0 ? snapshot.kit.map((item) => ({ productId: componentIds.get(item.sku)!, quantity: String(item.quantity) })) : undefined,
  };
  return draft;
}

export function iderisTitle(name: string): string {
  return name.trim().slice(0, IDERIS_TITLE_MAX).trimEnd();
}

export function iderisImages(urls: string[]): string[] {
  return urls.filter((url) => IDERIS_IMAGE.test(url)).slice(0, IDERIS_IMAGES_MAX);
}

function validEan(value: string | undefined): string | undefined {
  return value && EAN.test(value) ? value : undefined;
}

/** Whole units (never a fraction the seller does not have) minus the buffer, never below zero. */
export function wholeUnits(stock: string | undefined, safetyBuffer: number): number {
  const decimal = toDecimalString(stock);
  if (decimal === undefined) return 0;
  const whole = Math.floor(Number(decimal)) - Math.max(0, Math.trunc(safetyBuffer));
  return Number.isFinite(whole) && whole > 0 ? Math.min(whole, 2_147_483_647) : 0;
}

function grams(kg: string | undefined): number | undefined {
  return kg === undefined ? undefined : Math.round(Number(kg) * 1000) || undefined;
}

function centimetres(cm: string | undefined): number | undefined {
  return cm === undefined ? undefined : Number(cm) || undefined;
}

function kilograms(value: number | undefined): string | undefined {
  return value === undefined ? undefined : toDecimalString(String(Math.round(value) / 1000));
}

function decimal(value: number | undefined): string | undefined {
  return value === undefined ? undefined : toDecimalString(String(value));
}
