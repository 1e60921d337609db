import { balanceOfKind, desiredQuantity, parseScaled, planStock, type StockChange } from './stock-rule';

describe('desiredQuantity', () => {
  it.each([
    ['12', 0, 12],
    ['12.000', 0, 12],
    ['12', 2, 10],
    ['3.5', 0, 3],
    ['3.9999999999', 0, 3],
    ['2', 2, 0],
    ['2', 5, 0],
    ['0', 0, 0],
    ['-4', 0, 0],
    ['-0.5', 0, 0],
    ['1000', 1, 999],
    ['79.9000000000', 0, 79],
    ['99999999999', 0, 2_147_483_647],
  ])('balance %s with buffer %d → %d', (balance, buffer, expected) => {
    expect(desiredQuantity(balance, buffer)).toBe(expected);
  });

  it('ignores a negative or fractional buffer setting rather than adding stock', () => {
    expect(desiredQuantity('10', -3)).toBe(10);
    expect(desiredQuantity('10', 2.7)).toBe(8);
  });
});

describe('balanceOfKind', () => {
  it.each([
    [{ balance: '10', reserved: '3' }, 'physical', '10'],
    [{ balance: '10', reserved: '3' }, 'available', '7'],
    [{ balance: '10.5', reserved: '0.25' }, 'available', '10.25'],
    [{ balance: '2', reserved: '5' }, 'available', '-3'],
    [{ balance: '0', reserved: '0' }, 'available', '0'],
  ] as const)('%o as %s → %s', (stock, kind, expected) => {
    expect(balanceOfKind(stock, kind)).toBe(expected);
  });

  it('is exact where floats are not', () => {
    expect(balanceOfKind({ balance: '0.3', reserved: '0.1' }, 'available')).toBe('0.2');
    expect(desiredQuantity(balanceOfKind({ balance: '3.3', reserved: '0.3' }, 'available'), 0)).toBe(3);
  });
});

describe('planStock', () => {
  const change = (reportedKind?: 'physical' | 'available'): StockChange => ({ tinyProductId: '1', sku: 'A', reportedKind, balance: '9' });

  it.each([
    ['available', 'available', 0, { kind: 'known', balance: '9', desired: 9 }],
    ['physical', 'physical', 4, { kind: 'known', balance: '9', desired: 5 }],
    ['physical', 'available', 0, { kind: 'read-from-tiny' }],
    ['available', 'physical', 0, { kind: 'read-from-tiny' }],
    [undefined, 'available', 0, { kind: 'read-from-tiny' }],
  ] as const)('reported %s, connection sends %s (buffer %d)', (reported, stockType, safetyBuffer, expected) => {
    expect(planStock(change(reported), { stockType, safetyBuffer })).toEqual(expected);
  });
});

describe('parseScaled', () => {
  it.each(['', '.', 'abc', '1,5', '1.2.3'])('refuses %p', (value) => {
    expect(() => parseScaled(value)).toThrow(RangeError);
  });
});
