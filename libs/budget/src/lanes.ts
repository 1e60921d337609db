import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Priority lanes of the API budget: real-time work (stock pushes, new orders) is served before normal work
 * (status, invoices, tracking), before bulk (catalogue sync, reconciliation sweeps).
 */
export const LANES = ['realtime', 'normal', 'bulk'] as const;
export type Lane = (typeof LANES)[number];

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
