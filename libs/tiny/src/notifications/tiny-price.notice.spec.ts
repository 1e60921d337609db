import type { TinyPriceNotificationData } from './tiny-catalog-notification.dto';
import { tinyPriceNoticeOf } from './tiny-price.notice';

describe('tinyPriceNoticeOf', () => {
  const dados = (over: Partial<TinyPriceNotificationData>): TinyPriceNotificationData => ({ preco: '89.9', ...over }) as TinyPriceNotificationData;

  it.each([
    ['the mapping SKU first', { skuMapeamento: 'CAM-P-ML', codigo: 'CAM-P', precoPromocional: '79.9' }, { sku: 'CAM-P-ML', tinyCode: 'CAM-P', price: '89.9', promotionalPrice: '79.9' }],
    ["Tiny's code when there is no mapping", { skuMapeamento: ' ', codigo: 'CAM-P' }, { sku: 'CAM-P', tinyCode: 'CAM-P', price: '89.9', promotionalPrice: null }],
    ['an empty promotional price as none', { skuMapeamento: 'A', precoPromocional: ' ' }, { sku: 'A', price: '89.9', promotionalPrice: null }],
  ] as const)('takes %s', (_label, over, expected) => {
    expect(tinyPriceNoticeOf(dados(over))).toEqual({ ok: true, notice: expected });
  });

  it('refuses one that names no SKU', () => {
    expect(tinyPriceNoticeOf(dados({ skuMapeamento: undefined, codigo: '' }))).toEqual({ ok: false, reason: 'precos notification names no SKU (skuMapeamento or codigo)' });
  });
});
