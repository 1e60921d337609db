import type { TinyPriceNotificationData } from './tiny-catalog-notification.dto';
import type { TinyNoticeResult } from './tiny-notice.result';

/** A price change as Tiny announced it (`precos`), in the hub's terms (decimal strings with a dot). */
export interface TinyPriceNotice {
  /** The SKU Ideris knows: the mapping SKU the integration answered to Tiny, else Tiny's own code. */
  sku: string;
  /** Tiny's own code, when the notification carries one (to find the product in Tiny). */
  tinyCode?: string;
  price: string;
  /** Null when Tiny sends none (or a blank one). */
  promotionalPrice: string | null;
}

/** Tiny's `precos` payload → the hub's price notice; refused when it names no SKU Ideris could know. */
export function tinyPriceNoticeOf(dados: TinyPriceNotificationData): TinyNoticeResult<TinyPriceNotice> {
  const sku = dados.skuMapeamento?.trim() || dados.codigo?.trim();
  if (!sku) return { ok: false, reason: 'precos notification names no SKU (skuMapeamento or codigo)' };
  const promotional = dados.precoPromocional?.trim();
  const tinyCode = dados.codigo?.trim();
  return { ok: true, notice: { sku, ...(tinyCode ? { tinyCode } : {}), price: dados.preco, promotionalPrice: promotional ? promotional : null } };
}
