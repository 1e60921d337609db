import { setting } from '@hub/platform';

export const STATUS_POLL_DEFAULTS = {
  /** Base interval between two reads of a connection's status feed (`STATUS_POLL_INTERVAL_MS`, StatusSyncSettings). */
  intervalMs: (): number => setting<number>('STATUS_POLL_INTERVAL_MS'),
  /** Share of the account's Ideris budget the status feed may use; the rest is for orders, stock, invoices. */
  budgetShare: 0.2,
  /**
   * The feed's search covers orders imported this recently; older ones still open are read one by one
   * (`longOpenReads` per round), because a search window reaching back to them would page through every order
   * delivered or cancelled since.
   */
  lookbackMs: 7 * 24 * 60 * 60_000,
  /** At most this many single-order reads per round, whatever the budget allows. */
  maxLongOpenReads: 50,
  /** Approval precedes import (the orders poller's first look-back is a day). */
  approvalMarginMs: 26 * 60 * 60_000,
  /** The poller's lease on a connection, renewed every third of it while a round runs: a killed poller's connections are taken over this soon. */
  leaseMs: 30_000,
} as const;

/**
 * The next interval: the base one, stretched so that the feed's calls (one per page of 50 orders) stay within
 * its share of the account's per-minute Ideris budget.
 */
export function statusPollInterval(calls: number, iderisCallsPerMinute: number, baseMs = STATUS_POLL_DEFAULTS.intervalMs()): number {
  const budgetMs = (calls * 60_000) / Math.max(1, iderisCallsPerMinute * STATUS_POLL_DEFAULTS.budgetShare);
  return Math.round(Math.max(baseMs, budgetMs));
}

/**
 * How many long-open orders one round reads one by one: what is left of the feed's share of the account's Ideris
 * budget over one base interval after the search pages, at least one (so every order is reached, the interval
 * then stretching to stay within the share), at most `maxLongOpenReads`.
 */
export function longOpenReads(pageCalls: number, iderisCallsPerMinute: number, baseMs = STATUS_POLL_DEFAULTS.intervalMs()): number {
  const share = Math.floor((iderisCallsPerMinute * STATUS_POLL_DEFAULTS.budgetShare * baseMs) / 60_000);
  return Math.min(STATUS_POLL_DEFAULTS.maxLongOpenReads, Math.max(1, share - pageCalls));
}
