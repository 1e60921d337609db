import { isRecord, toCents, toDecimalString, toId, toText, unwrapList } from './tiny-coercion';
import { parseTinyDate } from './tiny-date';
import { centsToDecimal } from './tiny-order.models';
import { mapTinyProductStock, type TinyProductStock } from './tiny-stock.models';

export interface TinyProductVariationDraft {
  sku: string;
  priceCents?: number;
  initialStock?: number;
  gtin?: string;
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
  costCents?: number;
  /** Packaging dimensions in cm, as decimal strings. */
  packaging?: { heightCm?: string; widthCm?: string; lengthCm?: string };
  /** Image URLs, sent as external images (`imagens_externas`). */
  images?: string[];
  /** Initial stock; Tiny applies it on create only. */
  initialStock?: number;
  variations?: TinyProductVariationDraft[];
  kit?: Array<{ productId: string; quantity: string | number }>;
}

export interface TinyProductVariation {
  id: string;
  sku?: string;
  gtin?: string;
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
  brand?: string;
  costCents?: number;
  grossWeightKg?: string;
  netWeightKg?: string;
  packaging: { heightCm?: string; widthCm?: string; lengthCm?: string };
  images: string[];
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
      preco_custo: draft.costCents !== undefined ? centsToDecimal(draft.costCents) : undefined,
      altura_embalagem: draft.packaging?.heightCm,
      largura_embalagem: draft.packaging?.widthCm,
      comprimento_embalagem: draft.packaging?.lengthCm,
      imagens_externas: draft.images?.map((url) => ({ imagem_externa: { url } })),
      estoque_atual: creating && draft.initialStock !== undefined ? String(draft.initialStock) : undefined,
      classe_produto: draft.kit?.length ? 'K' : draft.variations?.length ? 'V' : undefined,
      variacoes: draft.variations?.map((variation) => ({
        variacao: {
          codigo: variation.sku,
          gtin: variation.gtin,
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
    brand: toText(value['marca']),
    costCents: toCents(value['preco_custo']),
    grossWeightKg: toDecimalString(value['peso_bruto']),
    netWeightKg: toDecimalString(value['peso_liquido']),
    packaging: {
      heightCm: toDecimalString(value['alturaEmbalagem']),
      widthCm: toDecimalString(value['larguraEmbalagem']),
      lengthCm: toDecimalString(value['comprimentoEmbalagem']),
    },
    images: imagesOf(value['anexos'], value['imagens_externas']),
    createdAt: parseTinyDate(value['data_criacao']),
    variations: unwrapList(value['variacoes'], 'variacao').flatMap((variation) => {
      const variationId = toId(variation['id']);
      return variationId ? [{ id: variationId, sku: toText(variation['codigo']), gtin: toText(variation['gtin']), priceCents: toCents(variation['preco']), grid: gridOf(variation['grade']) }] : [];
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

/** `anexos[]{anexo}` (or `{url}`) and `imagens_externas[]{imagem_externa{url}}`, de-duplicated in order. */
function imagesOf(anexos: unknown, externas: unknown): string[] {
  const urls = [
    ...(Array.isArray(anexos) ? anexos : []).map((entry) => (isRecord(entry) ? toText(entry['anexo']) ?? toText(entry['url']) : toText(entry))),
    ...(Array.isArray(externas) ? externas : []).map((entry) => {
      const inner = isRecord(entry) && isRecord(entry['imagem_externa']) ? entry['imagem_externa'] : entry;
      return isRecord(inner) ? toText(inner['url']) : undefined;
    }),
  ];
  return [...new Set(urls.filter((url): url is string => url !== undefined && url.trim() !== ''))];
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
