import { digitsOnly, toCents, toDecimalString, toFlag, toId, toInt, unwrapList } from './tiny-coercion';

describe('Tiny scalar coercion', () => {
  it.each([
    ['3', 3],
    [3, 3],
    [' 42 ', 42],
    ['3.5', undefined],
    ['', undefined],
    [null, undefined],
    ['abc', undefined],
  ])('toInt(%p) = %p', (input, expected) => {
    expect(toInt(input)).toBe(expected);
  });

  it.each([
    ['123456', '123456'],
    [123456, '123456'],
    ['0', undefined],
    [0, undefined],
    ['', undefined],
    ['12a', undefined],
    ['000123', '123'],
  ])('toId(%p) = %p', (input, expected) => {
    expect(toId(input)).toBe(expected);
  });

  it.each([
    ['50.25', '50.25'],
    [50.25, '50.25'],
    ['36.3200000000', '36.32'],
    ['5', '5'],
    ['0.10', '0.1'],
    ['-0.00', '0'],
    ['1,50', undefined],
    ['', undefined],
  ])('toDecimalString(%p) = %p', (input, expected) => {
    expect(toDecimalString(input)).toBe(expected);
  });

  it.each([
    ['49.90', 4990],
    [49.9, 4990],
    ['36.3200000000', 3632],
    ['0.005', 1],
    ['0.004', 0],
    ['-1.25', -125],
    ['1234567.89', 123456789],
  ])('toCents(%p) = %p', (input, expected) => {
    expect(toCents(input)).toBe(expected);
  });

  it('reads S/N flags and digits', () => {
    expect(toFlag('S')).toBe(true);
    expect(toFlag('n')).toBe(false);
    expect(toFlag('X')).toBeUndefined();
    expect(digitsOnly('12.345.678/0001-90')).toBe('12345678000190');
  });

  it('unwraps single-key wrapper lists', () => {
    expect(unwrapList([{ pedido: { id: 1 } }, { pedido: { id: '2' } }], 'pedido')).toEqual([{ id: 1 }, { id: '2' }]);
    expect(unwrapList({ registro: { id: 1 } }, 'registro')).toEqual([{ id: 1 }]);
    expect(unwrapList('', 'pedido')).toEqual([]);
  });
});
