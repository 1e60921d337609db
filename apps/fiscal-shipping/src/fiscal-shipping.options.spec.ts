import { IderisApiError, type IderisErrorKind } from '@hub/ideris';
import { TinyApiError, type TinyErrorKind } from '@hub/tiny';
import { DEFAULT_FISCAL_SHIPPING_OPTIONS, fiscalFailures, recheckDelay, retryDelay } from './fiscal-shipping.options';

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

describe('fiscal failures', () => {
  const { delivery, invoice } = fiscalFailures(DEFAULT_FISCAL_SHIPPING_OPTIONS);
  const ideris = (kind: IderisErrorKind) => new IderisApiError({ kind, path: '/order/invoice' });
  const tiny = (kind: TinyErrorKind) => new TinyApiError({ kind, script: 'nota.fiscal.obter.php' });

  it.each([
    ['Ideris refusing the body', ideris('validation'), 'refuse', 'refuse'],
    ['Ideris not knowing the order', ideris('not-found'), 'refuse', 'refuse'],
    ['Ideris credentials', ideris('auth'), 'wait', 'wait'],
    ['an Ideris outage', ideris('transient'), 'retry', 'retry'],
    ['Tiny not knowing the invoice', tiny('not-found'), 'retry', 'refuse'],
    ['Tiny in maintenance', tiny('maintenance'), 'wait', 'wait'],
  ])('%s: a delivery %s, an invoice %s', (_, error, forDelivery, forInvoice) => {
    expect(delivery.classify(error, 1).action).toBe(forDelivery);
    expect(invoice.classify(error, 1).action).toBe(forInvoice);
  });

  it('retries on the retry schedule and never gives up (the scheduler keeps looking)', () => {
    expect(invoice.classify(ideris('transient'), 2).delayMs).toBe(MINUTE);
    expect(delivery.classify(ideris('transient'), 1_000).action).toBe('retry');
  });
});
