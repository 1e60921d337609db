export const STATUS_POLL_DEFAULTS = {
  /** Base interval between two reads of a connection's status feed (`STATUS_POLL_INTERVAL_MS`). */
  intervalMs: (): number => Number(process.env['STATUS_POLL_INTERVAL_MS'] ?? 30_000),
  /** Share of the account's Ideris budget the status feed may use; the rest is for orders, stock, invoices. */
  budgetShare: 0.2,
  /** Orders imported longer ago than this are no longer watched (their marketplace life is over). */
  lookbackMs: 7 * 24 * 60 * 60_000,
  /** Approval precedes import (the orders poller's first look-back is a day). */
  approvalMarginMs: 26 * 60 * 60_000,
  leaseMs: 120_000,
} as const;

/**
 * The next interval: the base one, stretched so that the feed's calls (one per page of 50 orders) stay within
 * its share of the account's per-minute Ideris budget.
 */
export function statusPollInterval(calls: number, iderisCallsPerMinute: number, baseMs = STATUS_POLL_DEFAULTS.intervalMs()): number {
  const budgetMs = (calls * 60_000) / Math.max(1, iderisCallsPerMinute * STATUS_POLL_DEFAULTS.budgetShare);
  return Math.round(Math.max(baseMs, budgetMs));
}
