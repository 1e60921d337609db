/** Polling cadence, with the reasons. */
export const POLL_DEFAULTS = {
  /** While orders flow: often enough that a new order waits a few seconds at most. */
  busyIntervalMs: 3_000,
  /** Idle: one search a minute is 2 % of a 50/min Ideris budget (the ceiling is a fifth). */
  idleIntervalMs: 60_000,
  /**
   * Orders become visible in Ideris a little after their approval date: each poll re-reads this much. Kept
   * short because every re-read page costs budget during a peak; the sweep below catches the stragglers.
   */
  overlapMs: 15_000,
  /** A deeper re-read for late arrivals. */
  sweepEveryMs: 5 * 60_000,
  sweepOverlapMs: 30 * 60_000,
  /** A poller's claim on a connection; another replica takes over when it lapses (crash). */
  leaseMs: 30_000,
};

/** Next interval: back to busy as soon as something new appears, doubling towards idle otherwise. */
export function nextPollInterval(previousMs: number, newOrders: number, budgetPerMinute: number): number {
  // Never spend more than a fifth of the account's Ideris budget on polling while idle.
  const floorForBudget = Math.ceil((60_000 * 5) / Math.max(1, budgetPerMinute));
  if (newOrders > 0) return Math.max(POLL_DEFAULTS.busyIntervalMs, Math.min(floorForBudget, POLL_DEFAULTS.busyIntervalMs * 4));
  return Math.min(POLL_DEFAULTS.idleIntervalMs, Math.max(previousMs * 2, floorForBudget));
}
