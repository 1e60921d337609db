import type { ProductKind } from '@hub/contracts';
import { toCents, toDecimalString } from '../tiny-coercion';
import type { TinyProductNotificationData } from './tiny-catalog-notification.dto';
import { tinyMappingIdOf } from './tiny-product-webhook.reply';

export interface TinyVariationNotice {
  tinyProductId: string;
  /** Our SKU (and Ideris's): Tiny's `skuMapeamento` (what the hub answered before), else Tiny's code. */
  sku?: string;
  idMapeamento: string;
  gtin?: string;
  priceCents?: number;
  stock?: string;
  grid: Record<string, string>;
}

/** A product as Tiny sent it in a `produto` notification, in our own terms (decimals canonical, zero = unknown). */
export interface TinyProductNotice {
  tinyProductId: string;
  sku?: string;
  idMapeamento: string;
  name: string;
  unit?: string;
  priceCents?: number;
  costCents?: number;
  stock?: string;
  ncm?: string;
  gtin?: string;
  brand?: string;
  netWeightKg?: string;
  grossWeightKg?: string;
  packaging: { heightCm?: string; widthCm?: string; lengthCm?: string };
  images: string[];
  kit: Array<{ tinyProductId: string; quantity: string }>;
  variations: TinyVariationNotice[];
}

/** Tiny's `produto` payload (its `variacoes` flat or wrapped, read by the DTO) → the hub's product notice. */
export function noticeFromTinyProduct(dados: TinyProductNotificationData): TinyProductNotice {
  return {
    tinyProductId: dados.id,
    sku: skuOf(dados.skuMapeamento, dados.codigo),
    idMapeamento: tinyMappingIdOf(dados.idMapeamento, dados.id),
    name: dados.nome.trim(),
    unit: blank(dados.unidade),
    priceCents: toCents(dados.preco),
    costCents: positiveCents(dados.precoCusto),
    stock: toDecimalString(dados.estoqueAtual),
    ncm: digits(dados.ncm),
    gtin: blank(dados.gtin),
    brand: blank(dados.marca),
    netWeightKg: positive(dados.pesoLiquido),
    grossWeightKg: positive(dados.pesoBruto),
    packaging: { heightCm: positive(dados.alturaEmbalagem), widthCm: positive(dados.larguraEmbalagem), lengthCm: positive(dados.comprimentoEmbalagem) },
    images: [...new Set((dados.anexos ?? []).map((anexo) => anexo.url.trim()).filter((url) => url !== ''))],
    kit: (dados.kit ?? []).map((item) => ({ tinyProductId: item.id, quantity: toDecimalString(item.quantidade) ?? item.quantidade })),
    variations: (dados.variacoes ?? []).map((variation) => ({
      tinyProductId: variation.id,
      sku: skuOf(variation.skuMapeamento, variation.codigo),
      idMapeamento: tinyMappingIdOf(variation.idMapeamento, variation.id),
      gtin: blank(variation.gtin),
      priceCents: toCents(variation.preco),
      stock: toDecimalString(variation.estoqueAtual),
      grid: variation.grade ?? {},
    })),
  };
}

export function kindOfNotice(notice: Pick<TinyProductNotice, 'kit' | 'variations'>): Exclude<ProductKind, 'variation'> {
  if (notice.kit.length > 0) return 'kit';
  return notice.variations.length > 0 ? 'parent' : 'simple';
}

function skuOf(mapping: string | undefined, code: string | undefined): string | undefined {
  return blank(mapping) ?? blank(code);
}

function blank(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text ? text : undefined;
}

function digits(value: string | undefined): string | undefined {
  const text = value?.replace(/\D/g, '');
  return text ? text : undefined;
}

/** Weights and dimensions: zero or missing means Tiny does not know it. */
function positive(value: string | undefined): string | undefined {
  const decimal = toDecimalString(value);
  return decimal !== undefined && Number(decimal) > 0 ? decimal : undefined;
}

function positiveCents(value: string | undefined): number | undefined {
  const cents = toCents(value);
  return cents !== undefined && cents > 0 ? cents : undefined;
}
