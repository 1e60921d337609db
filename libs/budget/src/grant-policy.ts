import { laneRank, type Lane } from './lanes';

export interface Demand {
  processId: string;
  lane: Lane;
  oldestAt: number;
  lastGrantedAt: number | null;
}

/** After this many grants to other lanes, a waiting lower lane gets the next one: bulk never starves. */
export const RESERVED_TURN_EVERY: Record<Exclude<Lane, 'realtime'>, number> = { normal: 5, bulk: 10 };

/**
 * Who gets the next call of an account, across every process: the best lane first (unless a lower lane is
 * owed its reserved turn), then the process served longest ago (round robin), then the oldest waiter.
 * The grant itself decides in PostgreSQL (`try_grant`, BudgetGrantFunction migration: one round trip per
 * attempt), in this order; this is its specification, and `grant-policy.spec.ts` its table of cases.
 */
export function pickNext(demands: Demand[], grantsSince: { normal: number; bulk: number }): Demand | undefined {
  if (demands.length === 0) return undefined;
  for (const lane of ['bulk', 'normal'] as const) {
    if (grantsSince[lane] >= RESERVED_TURN_EVERY[lane] - 1) {
      const owed = demands.filter((d) => d.lane === lane);
      if (owed.length > 0) return [...owed].sort(byFairness)[0];
    }
  }
  return [...demands].sort((a, b) => laneRank(a.lane) - laneRank(b.lane) || byFairness(a, b))[0];
}

function byFairness(a: Demand, b: Demand): number {
  return (a.lastGrantedAt ?? 0) - (b.lastGrantedAt ?? 0) || a.oldestAt - b.oldestAt || a.processId.localeCompare(b.processId);
}
