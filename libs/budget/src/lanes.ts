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

interface LaneContext {
  lane: Lane;
  /** When the job these calls belong to started waiting: its calls keep that place in their lane's queue. */
  since?: number;
}

const laneStorage = new AsyncLocalStorage<LaneContext>();

/**
 * Decides the lane once for a job or request: every Tiny/Ideris call made inside `fn` (however deep)
 * waits in that lane. Nothing has to pass it by hand.
 *
 * `since` (a job's start, epoch ms) places every call of `fn` in its lane's queue as if it had been asked then: a
 * job's second call (an order's stock posting after its creation) is served before the first calls of jobs that
 * started after it, instead of queueing behind all of them. `'now'` is a place taken as the job starts
 * (`queuePlaceNow`). Nested lanes keep the enclosing `since` unless given one.
 */
export function runInLane<T>(lane: Lane, fn: () => T, options: { since?: number | 'now' } = {}): T {
  const since = options.since === 'now' ? queuePlaceNow() : options.since;
  return laneStorage.run({ lane, since: since ?? laneStorage.getStore()?.since }, fn);
}

/**
 * A queue place taken now, in epoch ms to a fraction of a millisecond: jobs started one after another in one tick
 * (the imports of one fetched batch) keep their order.
 */
export function queuePlaceNow(): number {
  return performance.timeOrigin + performance.now();
}

export function currentLane(): Lane {
  return laneStorage.getStore()?.lane ?? 'normal';
}

/** The queue place of the current job's calls (see `runInLane`), if it set one. */
export function currentQueuePlace(): number | undefined {
  return laneStorage.getStore()?.since;
}
