import type { StockType } from '@hub/contracts';
import type { TinyStockNotificationData } from './tiny-catalog-notification.dto';
import type { TinyNoticeResult } from './tiny-notice.result';

/** A stock change as Tiny announced it (`estoque`), in the hub's terms. */
export interface TinyStockNotice {
  tinyProductId: string;
  /** The SKU Ideris knows: the mapping SKU the integration answered to Tiny, else Tiny's own code. */
  sku: string;
  /** Tiny's own product code, when the notification carries it. */
  tinyCode?: string;
  /** Which balance `balance` is; Tiny sends it per the integration's setting, and at least one integrator saw it missing. */
  reportedKind?: StockType;
  balance: string;
}

const KIND_BY_TIPO = { F: 'physical', D: 'available' } as const;

/**
 * Tiny's `estoque` payload → the hub's stock notice; refused when it names no SKU Ideris could know. The
 * account-level shape (contracts.md#tiny-estoque) has no `skuMapeamento`: Tiny's `sku` is the SKU then.
 */
export function tinyStockNoticeOf(dados: TinyStockNotificationData): TinyNoticeResult<TinyStockNotice> {
  const sku = dados.skuMapeamento?.trim() || dados.sku?.trim();
  if (!sku) return { ok: false, reason: `estoque notification for Tiny product ${dados.idProduto} names no SKU` };
  return {
    ok: true,
    notice: {
      tinyProductId: dados.idProduto,
      sku,
      tinyCode: dados.sku?.trim() || undefined,
      reportedKind: dados.tipoEstoque ? KIND_BY_TIPO[dados.tipoEstoque] : undefined,
      balance: dados.saldo,
    },
  };
}
