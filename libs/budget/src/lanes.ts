import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Priority lanes of the API budget: real-time work (stock pushes, new orders) is served before normal work
 * (status, invoices, tracking), before deferred work, before bulk (catalogue sync, reconciliation sweeps).
 * Deferred (ADR 0027): reads that only refresh what the hub already heard of (a stock re-read from Tiny): served
 * when neither real-time nor normal work waits on the account, and never given a reserved turn, so an order
 * waiting for its creation never waits behind one. Bulk keeps its reserved turn (a sweep never starves).
 */
export const LANES = ['realtime', 'normal', 'deferred', 'bulk'] as const;
export type Lane = (typeof LANES)[number];
/** The lanes the dashboard reports (deferred grants are counted under normal, where they ran before ADR 0027). */
export const REPORTED_LANES = ['realtime', 'normal', 'bulk'] as const;
export type ReportedLane = (typeof REPORTED_LANES)[number];

export function laneRank(lane: Lane): number {
  return LANES.indexOf(lane);
}

const laneStorage = new AsyncLocalStorage<Lane>();

/**
 * Decides the lane once for a job or request: every Tiny/Ideris call made inside `fn` (however deep)
 * waits in that lane. Nothing has to pass it by hand.
 */
export function runInLane<T>(lane: Lane, fn: () => T): T {
  return laneStorage.run(lane, fn);
}

export function currentLane(): Lane {
  return laneStorage.getStore() ?? 'normal';
}
