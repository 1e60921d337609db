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

/** The n-th delay of a schedule (1-based), the last one repeating. */
function delayAt(delays: readonly number[], n: number): number {
  return delays[Math.min(Math.max(n - 1, 0), delays.length - 1)] ?? MINUTE;
}

export function recheckDelay(options: FiscalShippingOptions, checks: number): number {
  return delayAt(options.recheckDelaysMs, checks);
}

export function retryDelay(options: FiscalShippingOptions, failures: number): number {
  return delayAt(options.retryDelaysMs, failures);
}
