import { IderisApiError } from '@hub/ideris';
import { PRICE_PUSH_FAILURES, PriceProblem } from './price-push.errors';

describe('PRICE_PUSH_FAILURES', () => {
  it.each([
    [new IderisApiError({ kind: 'not-found', path: '/listingModel/price' }), { action: 'refuse', code: 'unknown-sku' }],
    [new IderisApiError({ kind: 'validation', path: '/listingModel/price' }), { action: 'refuse', code: 'refused' }],
    [new IderisApiError({ kind: 'transient', path: '/listingModel/price' }), { action: 'retry' }],
    [new IderisApiError({ kind: 'auth', path: '/listingModel/price' }), { action: 'wait' }],
    [new PriceProblem('price-list-unknown', 'no list 9'), { action: 'refuse', code: 'price-list-unknown', detail: 'no list 9' }],
    [new Error('socket hang up'), { action: 'retry' }],
  ] as const)('%s', (error, expected) => {
    expect(PRICE_PUSH_FAILURES.classify(error, 1)).toMatchObject(expected);
  });

  it('backs off from 2 s to at most 5 minutes and never gives up', () => {
    expect([1, 2, 3, 20].map((attempt) => PRICE_PUSH_FAILURES.classify(new Error('timeout'), attempt).delayMs)).toEqual([2_000, 4_000, 8_000, 300_000]);
  });
});
