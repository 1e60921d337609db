import { computePriceCents, dropPercent, needsConfirmation, roundCents, ruleForListingModel, DEFAULT_PRICE_RULE, type PriceRule } from './price-rule';

const rule = (over: Partial<PriceRule> = {}): PriceRule => ({ ...DEFAULT_PRICE_RULE, ...over });

describe('computePriceCents', () => {
  it.each([
    ['the list price as is by default', { price: '89.90' }, rule(), 8990],
    ['Tiny\'s long decimals', { price: '79.9000000000' }, rule(), 7990],
    ['a markup, rounded half up to the cent once', { price: '10.00' }, rule({ markupPercent: 12.345 }), 1123],
    ['a markup with decimals', { price: '89.90' }, rule({ markupPercent: 12.5 }), 10114],
    ['a discount markup', { price: '100' }, rule({ markupPercent: -10 }), 9000],
    ['a fixed addition after the markup', { price: '50' }, rule({ markupPercent: 10, fixedAdditionCents: 500 }), 6000],
    ['a negative fixed addition', { price: '50' }, rule({ fixedAdditionCents: -750 }), 4250],
    ['never below zero', { price: '5' }, rule({ fixedAdditionCents: -1000 }), 0],
    ['never below zero, even with a rounding', { price: '5' }, rule({ fixedAdditionCents: -500, rounding: '99' }), 0],
    ['.90 of the same real', { price: '12.34' }, rule({ rounding: '90' }), 1290],
    ['.90 of the same real when the cents are above 90 (goes down by at most 9 cents)', { price: '12.95' }, rule({ rounding: '90' }), 1290],
    ['.99 of the same real', { price: '12.00' }, rule({ rounding: '99' }), 1299],
    ['.99 after markup and addition', { price: '100' }, rule({ markupPercent: 20, fixedAdditionCents: 1000, rounding: '99' }), 13099],
    ['integer rounds up', { price: '12.01' }, rule({ rounding: 'integer' }), 1300],
    ['integer keeps a whole price', { price: '12' }, rule({ rounding: 'integer' }), 1200],
    ['a price under one real keeps its ending', { price: '0.40' }, rule({ rounding: '90' }), 90],
    ['floats do not leak (0.1 + 0.2)', { price: '0.3' }, rule({ markupPercent: 10 }), 33],
  ] as const)('%s', (_label, tiny, r, expected) => {
    expect(computePriceCents(tiny, r)).toBe(expected);
  });

  it.each([
    ['uses a lower promotional price when the rule uses promotions', { price: '89.90', promotionalPrice: '79.90' }, true, 7990],
    ['ignores it when the rule does not', { price: '89.90', promotionalPrice: '79.90' }, false, 8990],
    ['ignores a promotional price that is not lower', { price: '79.90', promotionalPrice: '89.90' }, true, 7990],
    ['ignores an equal promotional price', { price: '79.90', promotionalPrice: '79.90' }, true, 7990],
    ['ignores a zero promotional price', { price: '89.90', promotionalPrice: '0' }, true, 8990],
    ['ignores an empty promotional price', { price: '89.90', promotionalPrice: '' }, true, 8990],
    ['ignores a missing promotional price', { price: '89.90', promotionalPrice: null }, true, 8990],
  ] as const)('%s', (_label, tiny, usePromotional, expected) => {
    expect(computePriceCents(tiny, rule({ usePromotional }))).toBe(expected);
  });

  it('applies the promotional base before the markup and the rounding', () => {
    expect(computePriceCents({ price: '100', promotionalPrice: '80' }, rule({ usePromotional: true, markupPercent: 15, rounding: '90' }))).toBe(9290);
  });

  it.each([
    ['a price list surcharge', '10', 11000],
    ['a price list discount', '-10.5', 8950],
    ['no price list', undefined, 10000],
  ] as const)('applies %s before the markup', (_label, listPercent, expected) => {
    expect(computePriceCents({ price: '100' }, rule(), listPercent)).toBe(expected);
    if (listPercent !== undefined) expect(computePriceCents({ price: '100' }, rule({ markupPercent: 10 }), listPercent)).toBe(Math.round(expected * 1.1));
  });

  it.each([['0'], ['-5'], ['']])('gives nothing for a non-positive or empty price %p', (price) => {
    expect(computePriceCents({ price }, rule({ fixedAdditionCents: 500 }))).toBeUndefined();
  });
});

describe('roundCents', () => {
  it.each([
    [1234, 'none', 1234],
    [1234, '90', 1290],
    [1290, '90', 1290],
    [1299, '90', 1290],
    [1234, '99', 1299],
    [1299, '99', 1299],
    [1200, 'integer', 1200],
    [1201, 'integer', 1300],
    [0, '99', 0],
  ] as const)('%d with %s → %d', (cents, rounding, expected) => {
    expect(roundCents(cents, rounding)).toBe(expected);
  });
});

describe('the drop guard', () => {
  it.each([
    [10000, 7000, 30, false, 30],
    [10000, 6999, 30, true, 30.01],
    [10000, 5000, 30, true, 50],
    [10000, 12000, 30, false, 0],
    [10000, 10000, 0, false, 0],
    [10000, 9999, 0, true, 0.01],
    [8990, 4495, 49.99, true, 50],
  ] as const)('%d → %d with a %d %% limit: park %s (drop %d %%)', (previous, next, max, park, drop) => {
    expect(needsConfirmation(previous, next, max)).toBe(park);
    expect(dropPercent(previous, next)).toBe(drop);
  });

  it('never parks the first price (nothing to compare with)', () => {
    expect(needsConfirmation(null, 1, 30)).toBe(false);
  });
});

describe('ruleForListingModel', () => {
  const rules = [
    { ...DEFAULT_PRICE_RULE, markupPercent: 5 },
    { ...DEFAULT_PRICE_RULE, marketplace: '12', markupPercent: 20, listingModelIds: [7, 8] },
  ];

  it('takes the marketplace account rule that claims the listing model, else the default', () => {
    expect(ruleForListingModel(rules, 8).marketplace).toBe('12');
    expect(ruleForListingModel(rules, 9).marketplace).toBe('default');
    expect(ruleForListingModel([], 9)).toBe(DEFAULT_PRICE_RULE);
  });
});
