import type { TinyPriceNotificationData } from '@hub/tiny';
import { priceChangeFromNotification } from './price-notification.mapper';

describe('priceChangeFromNotification', () => {
  const dados = (over: Partial<TinyPriceNotificationData>): TinyPriceNotificationData => ({ preco: '89.9', ...over }) as TinyPriceNotificationData;

  it.each([
    ['the mapping SKU first', { skuMapeamento: 'CAM-P-ML', codigo: 'CAM-P', precoPromocional: '79.9' }, { sku: 'CAM-P-ML', tinyCode: 'CAM-P', price: '89.9', promotionalPrice: '79.9' }],
    ["Tiny's code when there is no mapping", { skuMapeamento: ' ', codigo: 'CAM-P' }, { sku: 'CAM-P', tinyCode: 'CAM-P', price: '89.9', promotionalPrice: null }],
    ['an empty promotional price as none', { skuMapeamento: 'A', precoPromocional: ' ' }, { sku: 'A', price: '89.9', promotionalPrice: null }],
  ] as const)('takes %s', (_label, over, expected) => {
    expect(priceChangeFromNotification(dados(over))).toEqual(expected);
  });

  it('gives nothing when no SKU is named', () => {
    expect(priceChangeFromNotification(dados({ skuMapeamento: undefined, codigo: '' }))).toBeUndefined();
  });
});
