import { isRecord, toCents, toDecimalString, toId, toText, unwrapList } from './tiny-coercion';
import { parseTinyDate } from './tiny-date';
import { centsToDecimal } from './tiny-order.models';
import { mapTinyProductStock, type TinyProductStock } from './tiny-stock.models';

export interface TinyProductVariationDraft {
  sku: string;
  priceCents?: number;
  initialStock?: number;
  /** e.g. `{ Cor: 'Azul', Tamanho: 'P' }`. */
  grid: Record<string, string>;
}

export interface TinyProductDraft {
  /** Required to alter by id; otherwise Tiny's sandbox locates by `sku` (see README). */
  id?: string;
  sku?: string;
  name?: string;
  unit?: string;
  priceCents?: number;
  promotionalPriceCents?: number;
  /** Fiscal origin code (`0` national…); required on create. */
  origin?: string;
  ncm?: string;
  gtin?: string;
  brand?: string;
  situation?: 'A' | 'I';
  type?: 'P' | 'S';
  grossWeightKg?: string;
  netWeightKg?: string;
  /** Initial stock; Tiny applies it on create only. */
  initialStock?: number;
  variations?: TinyProductVariationDraft[];
  kit?: Array<{ productId: string; quantity: string | number }>;
}

export interface TinyProductVariation {
  id: string;
  sku?: string;
  priceCents?: number;
  grid: Record<string, string>;
}

export interface TinyProduct {
  id: string;
  sku?: string;
  name: string;
  unit?: string;
  priceCents?: number;
  promotionalPriceCents?: number;
  situation?: string;
  /** N normal, P parent with variations, V a variation (a product of its own, pointing to its parent). */
  variationType?: 'N' | 'P' | 'V';
  parentId?: string;
  productClass?: string;
  origin?: string;
  ncm?: string;
  gtin?: string;
  createdAt?: Date;
  variations: TinyProductVariation[];
  kit: Array<{ productId: string; quantity: string }>;
}

export interface TinyPriceUpdate {
  productId: string;
  priceCents: number;
  /** Applied only if the account has the "Preço promocional" extension. */
  promotionalPriceCents?: number;
}

export interface TinyPriceList {
  id: string;
  description: string;
  /** Percentage, negative = discount, as a decimal string. */
  adjustmentPercent: string;
}

export interface TinyStockUpdateRecord extends TinyProductStock {
  changedAt?: Date;
}

/** `produto` form field = `{"produtos":[{"produto":{…,"sequencia":n}}]}`; required fields apply on create. */
export function toTinyProductsDocument(drafts: TinyProductDraft[], creating: boolean): string {
  const produtos = drafts.map((draft, index) => ({
    produto: {
      sequencia: index + 1,
      id: draft.id,
      codigo: draft.sku,
      nome: draft.name,
      unidade: draft.unit ?? (creating ? 'UN' : undefined),
      preco: draft.priceCents !== undefined ? centsToDecimal(draft.priceCents) : undefined,
      preco_promocional: draft.promotionalPriceCents !== undefined ? centsToDecimal(draft.promotionalPriceCents) : undefined,
      origem: draft.origin ?? (creating ? '0' : undefined),
      ncm: draft.ncm,
      gtin: draft.gtin,
      marca: draft.brand,
      situacao: draft.situation ?? (creating ? 'A' : undefined),
      tipo: draft.type ?? (creating ? 'P' : undefined),
      peso_bruto: draft.grossWeightKg,
      peso_liquido: draft.netWeightKg,
      estoque_atual: creating && draft.initialStock !== undefined ? String(draft.initialStock) : undefined,
      classe_produto: draft.kit?.length ? 'K' : draft.variations?.length ? 'V' : undefined,
      variacoes: draft.variations?.map((variation) => ({
        variacao: {
          codigo: variation.sku,
          preco: variation.priceCents !== undefined ? centsToDecimal(variation.priceCents) : undefined,
          estoque_atual: variation.initialStock !== undefined ? String(variation.initialStock) : undefined,
          grade: variation.grid,
        },
      })),
      kit: draft.kit?.map((item) => ({ item: { id_produto: item.productId, quantidade: String(item.quantity) } })),
    },
  }));
  return JSON.stringify({ produtos });
}

export function mapTinyProduct(value: unknown): TinyProduct | undefined {
  if (!isRecord(value)) return undefined;
  const id = toId(value['id']);
  const name = toText(value['nome']);
  if (!id || !name) return undefined;
  const variationType = toText(value['tipoVariacao']);
  return {
    id,
    sku: toText(value['codigo']),
    name,
    unit: toText(value['unidade']),
    priceCents: toCents(value['preco']),
    promotionalPriceCents: toCents(value['preco_promocional']),
    situation: toText(value['situacao']),
    variationType: variationType === 'N' || variationType === 'P' || variationType === 'V' ? variationType : undefined,
    parentId: toId(value['idProdutoPai']),
    productClass: toText(value['classe_produto']),
    origin: toText(value['origem']),
    ncm: toText(value['ncm']),
    gtin: toText(value['gtin']),
    createdAt: parseTinyDate(value['data_criacao']),
    variations: unwrapList(value['variacoes'], 'variacao').flatMap((variation) => {
      const variationId = toId(variation['id']);
      return variationId ? [{ id: variationId, sku: toText(variation['codigo']), priceCents: toCents(variation['preco']), grid: gridOf(variation['grade']) }] : [];
    }),
    kit: unwrapList(value['kit'], 'item').flatMap((item) => {
      const productId = toId(item['id_produto']);
      return productId ? [{ productId, quantity: toDecimalString(item['quantidade']) ?? '0' }] : [];
    }),
  };
}

export function toTinyPricesDocument(updates: TinyPriceUpdate[]): string {
  return JSON.stringify({
    precos: updates.map((update) => ({
      id: update.productId,
      preco: centsToDecimal(update.priceCents),
      preco_promocional: update.promotionalPriceCents !== undefined ? centsToDecimal(update.promotionalPriceCents) : undefined,
    })),
  });
}

export function mapTinyPriceList(value: Record<string, unknown>): TinyPriceList | undefined {
  const id = toId(value['id']);
  if (!id) return undefined;
  return { id, description: toText(value['descricao']) ?? '', adjustmentPercent: toDecimalString(value['acrescimo_desconto']) ?? '0' };
}

export function mapTinyStockUpdateRecord(value: Record<string, unknown>): TinyStockUpdateRecord | undefined {
  const stock = mapTinyProductStock(value);
  return stock ? { ...stock, changedAt: parseTinyDate(value['data_alteracao']) } : undefined;
}

/** Grades come as `{"Cor":"Azul"}` or `[{"chave":"Cor","valor":"Azul"}]`. */
function gridOf(value: unknown): Record<string, string> {
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.filter(isRecord).flatMap((entry) => {
        const key = toText(entry['chave']);
        const text = toText(entry['valor']);
        return key && text !== undefined ? [[key, text]] : [];
      }),
    );
  }
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).flatMap(([key, raw]) => (toText(raw) !== undefined ? [[key, toText(raw) as string]] : [])));
}
