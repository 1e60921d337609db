import { IderisApiError } from '@hub/ideris';
import { TinyApiError } from '@hub/tiny';
import { classifyStockPushError, retryDelayMs } from './stock-push.errors';

describe('classifyStockPushError', () => {
  it.each([
    ['an unknown Ideris SKU', new IderisApiError({ kind: 'not-found', path: '/sku/stock', httpStatus: 404 }), { kind: 'problem', problem: 'unknown-sku' }],
    ['a refused value', new IderisApiError({ kind: 'validation', path: '/sku/stock', httpStatus: 400 }), { kind: 'problem', problem: 'refused' }],
    ['Ideris 5xx', new IderisApiError({ kind: 'transient', path: '/sku/stock', httpStatus: 503 }), { kind: 'transient' }],
    ['Ideris still blocking after the budget gave up', new IderisApiError({ kind: 'rate-limited', path: '/sku/stock', httpStatus: 429 }), { kind: 'transient' }],
    ['revoked Ideris credentials', new IderisApiError({ kind: 'auth', path: '/sku/stock', httpStatus: 401 }), { kind: 'transient' }],
    ['a Tiny product that no longer exists', new TinyApiError({ kind: 'not-found', script: 'produto.obter.estoque.php', code: 32 }), { kind: 'problem', problem: 'tiny-product-unknown' }],
    ['Tiny maintenance', new TinyApiError({ kind: 'maintenance', script: 'produto.obter.estoque.php', code: 99 }), { kind: 'transient' }],
    ['a network error', new TypeError('fetch failed'), { kind: 'transient' }],
  ])('%s', (_label, error, expected) => {
    expect(classifyStockPushError(error)).toMatchObject(expected);
  });
});

describe('retryDelayMs', () => {
  it.each([[1, 2_000], [2, 4_000], [4, 16_000], [20, 300_000]])('attempt %d waits %d ms', (attempts, ms) => {
    expect(retryDelayMs(attempts)).toBe(ms);
  });
});
