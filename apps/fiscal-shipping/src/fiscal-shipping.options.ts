import { IderisApiError } from '@hub/ideris';
import { TinyApiError } from '@hub/tiny';
import { Backoff, FailurePolicy, type Refusal } from '@hub/work';

/** Timings of the re-check scheduler; tests shorten them. */
export interface FiscalShippingOptions {
  /** How often the scheduler looks for due rows. */
  schedulerTickMs: number;
  /** Delay before the n-th re-check of a waiting item (the last value repeats). */
  recheckDelaysMs: readonly number[];
  /**
   * Delay before retrying after the n-th consecutive failed attempt (an API error, an outage): shorter than the
   * waiting schedule, which is made for prerequisites that take hours (a coleta concluded), not for a 503.
   */
  retryDelaysMs: readonly number[];
  /** After this long waiting, automatic re-checks stop; a notification or an admin action checks again. */
  recheckForMs: number;
  /**
   * How long a claim on an invoice or tracking row lasts unless its holder renews it (it does, every third of it,
   * while it works, however long the API budget makes it wait): a killed holder's rows are free again this soon.
   */
  claimMs: number;
}

const MINUTE = 60_000;

export const DEFAULT_FISCAL_SHIPPING_OPTIONS: FiscalShippingOptions = {
  schedulerTickMs: 15_000,
  recheckDelaysMs: [MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE, 3 * 60 * MINUTE],
  retryDelaysMs: [15_000, MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE],
  recheckForMs: 14 * 24 * 60 * MINUTE,
  claimMs: 30_000,
};

export const FISCAL_SHIPPING_OPTIONS = Symbol('FISCAL_SHIPPING_OPTIONS');

export function recheckDelay(options: FiscalShippingOptions, checks: number): number {
  return Backoff.steps(options.recheckDelaysMs).delayMs(checks);
}

export function retryDelay(options: FiscalShippingOptions, failures: number): number {
  return Backoff.steps(options.retryDelaysMs).delayMs(failures);
}

/**
 * When a send (`sending`, committed before the Ideris call) is looked at again if nothing confirms it: after the
 * claim of a writer that died has run out.
 */
export function unconfirmedSendRecheckAt(claimMs: number, now = Date.now()): Date {
  return new Date(now + claimMs + 5_000);
}

/** Ideris refusing the body or not knowing the order: no retry changes it (an outage, a limit or credentials would). */
const IDERIS_REFUSES: Refusal = { error: IderisApiError, kinds: ['not-found', 'validation', 'request'] };

/**
 * The fiscal flows' failures, retried on `retryDelaysMs` for as long as the scheduler re-checks: a delivery (tracking,
 * a cancellation) is refused by Ideris only; an invoice also when Tiny does not know it or will not give it.
 */
export function fiscalFailures(options: FiscalShippingOptions): { delivery: FailurePolicy; invoice: FailurePolicy } {
  const backoff = Backoff.steps(options.retryDelaysMs);
  return {
    delivery: new FailurePolicy({ backoff, refusals: [IDERIS_REFUSES] }),
    invoice: new FailurePolicy({ backoff, refusals: [IDERIS_REFUSES, { error: TinyApiError, kinds: ['not-found', 'validation'] }] }),
  };
}
