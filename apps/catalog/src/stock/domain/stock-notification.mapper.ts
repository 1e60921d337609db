import type { TinyStockNotificationData } from '@hub/tiny';
import type { StockChange } from './stock-rule';

const KIND_BY_TIPO = { F: 'physical', D: 'available' } as const;

/** Tiny's `estoque` payload → our stock change; undefined when it names no SKU Ideris could know. */
export function stockChangeFromNotification(dados: TinyStockNotificationData): StockChange | undefined {
  const sku = dados.skuMapeamento?.trim() || dados.sku?.trim();
  if (!sku) return undefined;
  return {
    tinyProductId: dados.idProduto,
    sku,
    tinyCode: dados.sku?.trim() || undefined,
    reportedKind: dados.tipoEstoque ? KIND_BY_TIPO[dados.tipoEstoque] : undefined,
    balance: dados.saldo,
  };
}
