import type { TinyStockNotificationData } from './tiny-catalog-notification.dto';
import { tinyStockNoticeOf } from './tiny-stock.notice';

describe('tinyStockNoticeOf', () => {
  const dados = (over: Partial<TinyStockNotificationData>): TinyStockNotificationData => ({ idProduto: '915', saldo: '4', ...over }) as TinyStockNotificationData;

  it.each([
    ['the mapping SKU first', { sku: 'TINY-1', skuMapeamento: 'IDERIS-1', tipoEstoque: 'D' }, { sku: 'IDERIS-1', tinyCode: 'TINY-1', reportedKind: 'available' }],
    ["Tiny's code when there is no mapping", { sku: 'TINY-1', skuMapeamento: ' ', tipoEstoque: 'F' }, { sku: 'TINY-1', tinyCode: 'TINY-1', reportedKind: 'physical' }],
    ['a variation by its own mapping, not the parent', { sku: 'CAM-P', skuMapeamento: 'CAM-P-ML', skuMapeamentoPai: 'CAM' }, { sku: 'CAM-P-ML', tinyCode: 'CAM-P', reportedKind: undefined }],
  ] as const)('takes %s', (_label, over, expected) => {
    expect(tinyStockNoticeOf(dados(over))).toEqual({ ok: true, notice: { tinyProductId: '915', balance: '4', ...expected } });
  });

  it("keeps no Tiny code when Tiny sends only the mapping", () => {
    expect(tinyStockNoticeOf(dados({ skuMapeamento: 'IDERIS-2' }))).toMatchObject({ ok: true, notice: { sku: 'IDERIS-2', tinyCode: undefined } });
  });

  it('refuses one that names no SKU, with the Tiny product', () => {
    expect(tinyStockNoticeOf(dados({ sku: '', skuMapeamento: undefined }))).toEqual({ ok: false, reason: 'estoque notification for Tiny product 915 names no SKU' });
  });
});
