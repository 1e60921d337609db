import { DEFAULT_FISCAL_SHIPPING_OPTIONS, recheckDelay, retryDelay } from './fiscal-shipping.options';

const MINUTE = 60_000;

describe('re-check and retry schedules', () => {
  it.each([
    [1, MINUTE],
    [2, 5 * MINUTE],
    [5, 3 * 60 * MINUTE],
    [40, 3 * 60 * MINUTE],
  ])('a row waiting for its prerequisites is looked at again after its check %i in %i ms', (checks, expected) => {
    expect(recheckDelay(DEFAULT_FISCAL_SHIPPING_OPTIONS, checks)).toBe(expected);
  });

  it.each([
    [1, 15_000],
    [2, MINUTE],
    [3, 5 * MINUTE],
    [9, 60 * MINUTE],
  ])('a failed attempt %i is retried after %i ms, sooner than a waiting row at the same count', (failures, expected) => {
    expect(retryDelay(DEFAULT_FISCAL_SHIPPING_OPTIONS, failures)).toBe(expected);
    expect(retryDelay(DEFAULT_FISCAL_SHIPPING_OPTIONS, failures)).toBeLessThanOrEqual(recheckDelay(DEFAULT_FISCAL_SHIPPING_OPTIONS, failures));
  });
});
