import type { FlowSummary } from '@hub/contracts';

export type FlowState = 'ok' | 'late' | 'failing' | 'idle' | 'off' | 'unknown';
export type Health = 'ok' | 'late' | 'failing' | 'inactive' | 'not_set_up';

export interface FreshnessInput {
  enabled: boolean;
  /** A poller should succeed every cadence whether or not there is work (the orders and status feeds). */
  poller: boolean;
  summary: Omit<FlowSummary, 'connectionId' | 'flow'>;
  /** Since when the flow should be moving (the connection's activation): a poller that never ran is late after it. */
  activeSince: string | null;
  now: number;
}

const ms = (iso: string | null | undefined) => (iso ? new Date(iso).getTime() : null);
const newest = (...values: (number | null)[]) => values.reduce<number | null>((a, b) => (b === null ? a : a === null ? b : Math.max(a, b)), null);

/**
 * Airbyte's freshness rule: a flow that should be moving (a poller, or pending work) is `late` with no success for
 * more than 1× its cadence; `failing` when failures exist and the last attempt failed, when its poller's last
 * round failed, or with no success for more than 2× the cadence while work waits. `idle`: nothing to do.
 */
export function flowState(input: FreshnessInput): FlowState {
  if (!input.enabled) return 'off';
  const { summary: s, now } = input;
  const cadenceMs = Math.max(1, s.expectedEverySeconds) * 1000;
  const lastSuccess = ms(s.lastSuccessAt);
  const lastFailure = ms(s.lastFailureAt);
  const itemsFailing = s.failures > 0 && lastFailure !== null && (lastSuccess === null || lastFailure >= lastSuccess);
  const pollerSuccess = ms(s.poller?.lastSuccessAt);
  const pollerFailure = ms(s.poller?.lastFailureAt);
  // A round that failed after it completed (ranges it could not read) is recorded at its own end: `>=`.
  const pollerFailing = input.poller && pollerFailure !== null && (pollerSuccess === null || pollerFailure >= pollerSuccess);
  // Pending work is late counted from when it became pending, not from a success long before it.
  const pendingSince = s.pending > 0 ? newest(lastSuccess, ms(s.oldestPendingAt) ?? now) : null;
  const pendingAge = pendingSince === null ? 0 : now - pendingSince;
  const pollerRef = input.poller ? newest(pollerSuccess, pollerSuccess === null ? ms(input.activeSince) : null) : null;
  const pollerAge = input.poller && pollerRef !== null ? now - pollerRef : 0;

  if (itemsFailing || pollerFailing || pendingAge > 2 * cadenceMs) return 'failing';
  if (pollerAge > cadenceMs || pendingAge > cadenceMs) return 'late';
  if (!input.poller && s.pending === 0 && s.failures === 0) return 'idle';
  return 'ok';
}

const RANK: Record<FlowState, number> = { off: 0, idle: 0, ok: 0, unknown: 1, late: 2, failing: 3 };

/** The connection's roll-up: the worst flow (an unknown flow does not hide a failing one, nor raise an alarm). */
export function healthOf(situation: string, states: FlowState[]): Health {
  if (situation === 'inactive') return 'inactive';
  if (situation !== 'active') return 'not_set_up';
  const worst = states.reduce((w, s) => (RANK[s] > RANK[w] ? s : w), 'ok' as FlowState);
  return worst === 'failing' ? 'failing' : worst === 'late' ? 'late' : 'ok';
}
