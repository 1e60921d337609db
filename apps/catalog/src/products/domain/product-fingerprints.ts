import { createHash } from 'node:crypto';
import type { IderisListingModelDraft } from '@hub/ideris';
import { toDecimalString, type TinyProductDraft, type TinyProductNotice } from '@hub/tiny';
import type { IderisProductSnapshot } from './ideris-product-snapshot';

/**
 * Fingerprints of a product as one side holds it, over the fields the hub syncs (identity, title, EAN, NCM,
 * weights, packaging, images, variations, kit) and not price or stock, which have flows of their own. Each side
 * is compared only with itself: the hub records what it last wrote to (or saw on) a side, and a notification or
 * a read that shows exactly that is the hub's own echo, or no change at all — either way nothing travels back.
 */
export interface TinySideView {
  sku: string;
  name: string;
  gtin?: string;
  ncm?: string;
  netWeightKg?: string;
  grossWeightKg?: string;
  heightCm?: string;
  widthCm?: string;
  lengthCm?: string;
  images: string[];
  variations: Array<{ sku: string; gtin?: string; grid: Record<string, string> }>;
  kit: Array<{ tinyProductId: string; quantity: string }>;
}

export interface IderisSideView {
  sku: string;
  title: string;
  ean?: string;
  ncm?: string;
  weightGrams?: number;
  packageWeightGrams?: number;
  heightCm?: number;
  widthCm?: number;
  lengthCm?: number;
  images: string[];
  variants: Array<{ sku: string; ean?: string; attributes: Record<string, string> }>;
  kit: Array<{ sku: string; quantity: number }>;
}

export function tinyViewOfNotice(notice: TinyProductNotice): TinySideView {
  return {
    sku: notice.sku ?? '',
    name: notice.name,
    gtin: notice.gtin,
    ncm: notice.ncm,
    netWeightKg: notice.netWeightKg,
    grossWeightKg: notice.grossWeightKg,
    heightCm: notice.packaging.heightCm,
    widthCm: notice.packaging.widthCm,
    lengthCm: notice.packaging.lengthCm,
    images: notice.images,
    variations: notice.variations.filter((variation) => variation.sku).map((variation) => ({ sku: variation.sku!, gtin: variation.gtin, grid: variation.grid })),
    kit: notice.kit,
  };
}

export function tinyViewOfDraft(draft: TinyProductDraft): TinySideView {
  return {
    sku: draft.sku ?? '',
    name: draft.name ?? '',
    gtin: draft.gtin,
    ncm: draft.ncm,
    netWeightKg: draft.netWeightKg,
    grossWeightKg: draft.grossWeightKg,
    heightCm: draft.packaging?.heightCm,
    widthCm: draft.packaging?.widthCm,
    lengthCm: draft.packaging?.lengthCm,
    images: draft.images ?? [],
    variations: (draft.variations ?? []).map((variation) => ({ sku: variation.sku, gtin: variation.gtin, grid: variation.grid })),
    kit: (draft.kit ?? []).map((item) => ({ tinyProductId: item.productId, quantity: String(item.quantity) })),
  };
}

export function iderisViewOfSnapshot(snapshot: IderisProductSnapshot): IderisSideView {
  return {
    sku: snapshot.sku,
    title: snapshot.title,
    ean: snapshot.ean,
    ncm: snapshot.ncm,
    weightGrams: snapshot.weightGrams,
    packageWeightGrams: snapshot.packageWeightGrams,
    heightCm: snapshot.packageHeightCm,
    widthCm: snapshot.packageWidthCm,
    lengthCm: snapshot.packageLengthCm,
    images: snapshot.images,
    variants: snapshot.variants.map((variant) => ({ sku: variant.sku, ean: variant.ean, attributes: variant.attributes })),
    kit: snapshot.kit,
  };
}

export function iderisViewOfDraft(draft: IderisListingModelDraft): IderisSideView {
  return {
    sku: draft.sku,
    title: draft.title,
    ean: draft.ean,
    ncm: draft.ncm,
    weightGrams: draft.weightGrams,
    packageWeightGrams: draft.packageWeightGrams,
    heightCm: draft.packageHeightCm,
    widthCm: draft.packageWidthCm,
    lengthCm: draft.packageLengthCm,
    images: draft.images ?? [],
    variants: (draft.variants ?? []).map((variant) => ({ sku: variant.sku, ean: variant.ean, attributes: variant.attributes ?? {} })),
    kit: draft.kit ?? [],
  };
}

export function tinyFingerprint(view: TinySideView): string {
  return digest({
    sku: view.sku,
    name: view.name.trim(),
    gtin: text(view.gtin),
    ncm: view.ncm?.replace(/\D/g, '') || undefined,
    netWeightKg: amount(view.netWeightKg),
    grossWeightKg: amount(view.grossWeightKg),
    heightCm: amount(view.heightCm),
    widthCm: amount(view.widthCm),
    lengthCm: amount(view.lengthCm),
    images: view.images,
    variations: [...view.variations].sort(bySku).map((variation) => ({ sku: variation.sku, gtin: text(variation.gtin), grid: sortedRecord(variation.grid) })),
    kit: [...view.kit].sort((a, b) => a.tinyProductId.localeCompare(b.tinyProductId)).map((item) => ({ id: item.tinyProductId, quantity: amount(item.quantity) })),
  });
}

export function iderisFingerprint(view: IderisSideView): string {
  return digest({
    sku: view.sku,
    title: view.title.trim(),
    ean: text(view.ean),
    ncm: text(view.ncm),
    weightGrams: count(view.weightGrams),
    packageWeightGrams: count(view.packageWeightGrams),
    heightCm: count(view.heightCm),
    widthCm: count(view.widthCm),
    lengthCm: count(view.lengthCm),
    images: view.images,
    variants: [...view.variants].sort(bySku).map((variant) => ({ sku: variant.sku, ean: text(variant.ean), attributes: sortedRecord(variant.attributes) })),
    kit: [...view.kit].sort(bySku).map((item) => ({ sku: item.sku, quantity: item.quantity })),
  });
}

function bySku(a: { sku: string }, b: { sku: string }): number {
  return a.sku.localeCompare(b.sku);
}

function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Canonical decimal; zero is "unknown" on both sides. */
function amount(value: string | undefined): string | undefined {
  const decimal = toDecimalString(value);
  return decimal !== undefined && Number(decimal) !== 0 ? decimal : undefined;
}

function count(value: number | undefined): number | undefined {
  return value === undefined || !Number.isFinite(value) || value === 0 ? undefined : value;
}

function sortedRecord(record: Record<string, string>): Array<[string, string]> {
  return Object.entries(record)
    .map(([key, value]): [string, string] => [key.trim(), value.trim()])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}
