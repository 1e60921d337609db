import { IderisApiError } from '@hub/ideris';
import { TinyApiError } from '@hub/tiny';
import { STOCK_PUSH_FAILURES } from './stock-push.errors';

describe('STOCK_PUSH_FAILURES', () => {
  it.each([
    ['an unknown Ideris SKU', new IderisApiError({ kind: 'not-found', path: '/sku/stock', httpStatus: 404 }), { action: 'refuse', code: 'unknown-sku' }],
    ['a refused value', new IderisApiError({ kind: 'validation', path: '/sku/stock', httpStatus: 400 }), { action: 'refuse', code: 'refused' }],
    ['Ideris 5xx', new IderisApiError({ kind: 'transient', path: '/sku/stock', httpStatus: 503 }), { action: 'retry' }],
    ['Ideris still blocking after the budget gave up', new IderisApiError({ kind: 'rate-limited', path: '/sku/stock', httpStatus: 429 }), { action: 'retry' }],
    ['revoked Ideris credentials', new IderisApiError({ kind: 'auth', path: '/sku/stock', httpStatus: 401 }), { action: 'wait' }],
    ['a Tiny product that no longer exists', new TinyApiError({ kind: 'not-found', script: 'produto.obter.estoque.php', code: 32 }), { action: 'refuse', code: 'tiny-product-unknown' }],
    ['Tiny maintenance', new TinyApiError({ kind: 'maintenance', script: 'produto.obter.estoque.php', code: 99 }), { action: 'wait' }],
    ['a network error', new TypeError('fetch failed'), { action: 'retry' }],
  ])('%s', (_label, error, expected) => {
    expect(STOCK_PUSH_FAILURES.classify(error, 1)).toMatchObject(expected);
  });

  it.each([[1, 2_000], [2, 4_000], [4, 16_000], [20, 300_000]])('attempt %d waits %d ms', (attempts, ms) => {
    expect(STOCK_PUSH_FAILURES.classify(new TypeError('fetch failed'), attempts).delayMs).toBe(ms);
  });
});
