import { IderisApiError } from '@hub/ideris';
import { classifyPricePushError, PriceProblem, priceRetryDelayMs } from './price-push.errors';

describe('classifyPricePushError', () => {
  it.each([
    [new IderisApiError({ kind: 'not-found', path: '/listingModel/price' }), { kind: 'problem', problem: 'unknown-sku' }],
    [new IderisApiError({ kind: 'validation', path: '/listingModel/price' }), { kind: 'problem', problem: 'refused' }],
    [new IderisApiError({ kind: 'transient', path: '/listingModel/price' }), { kind: 'transient' }],
    [new PriceProblem('price-list-unknown', 'no list 9'), { kind: 'problem', problem: 'price-list-unknown' }],
    [new Error('socket hang up'), { kind: 'transient' }],
  ] as const)('%s', (error, expected) => {
    expect(classifyPricePushError(error)).toMatchObject(expected);
  });

  it('backs off from 2 s to at most 5 minutes', () => {
    expect([1, 2, 3, 20].map(priceRetryDelayMs)).toEqual([2_000, 4_000, 8_000, 300_000]);
  });
});
