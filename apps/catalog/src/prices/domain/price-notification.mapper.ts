import type { TinyPriceNotificationData } from '@hub/tiny';
import type { TinyPrice } from './price-rule';

export interface PriceChange extends TinyPrice {
  /** The SKU Ideris knows: the mapping SKU the integration answered to Tiny, else Tiny's own code. */
  sku: string;
  /** Tiny's own code, when the notification carries one (to find the product in Tiny). */
  tinyCode?: string;
}

/** Tiny's `precos` payload → our price change; undefined when it names no SKU Ideris could know. */
export function priceChangeFromNotification(dados: TinyPriceNotificationData): PriceChange | undefined {
  const sku = dados.skuMapeamento?.trim() || dados.codigo?.trim();
  if (!sku) return undefined;
  const promotional = dados.precoPromocional?.trim();
  const tinyCode = dados.codigo?.trim();
  return { sku, ...(tinyCode ? { tinyCode } : {}), price: dados.preco, promotionalPrice: promotional ? promotional : null };
}
