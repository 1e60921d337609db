import { flowState, healthOf, type FreshnessInput } from './freshness';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();
const base = (over: Partial<FreshnessInput['summary']> = {}, input: Partial<FreshnessInput> = {}): FreshnessInput => ({
  enabled: true,
  poller: false,
  activeSince: ago(3600),
  now: NOW,
  ...input,
  summary: { lastSuccessAt: null, lastAttemptAt: null, lastFailureAt: null, failures: 0, pending: 0, oldestPendingAt: null, expectedEverySeconds: 60, ...over },
});
const poller = (success: string | null, failure: string | null = null, over: Partial<FreshnessInput['summary']> = {}) =>
  base({ ...over, poller: { lastSuccessAt: success, lastFailureAt: failure, lastError: null } }, { poller: true });

describe('flowState (Airbyte: late at 1× the cadence, failing at 2× with work waiting or when the last attempt failed)', () => {
  it.each([
    ['switched off', base({ failures: 3, lastFailureAt: ago(1) }, { enabled: false }), 'off'],
    ['nothing to do', base(), 'idle'],
    ['nothing pending, old success', base({ lastSuccessAt: ago(86_400) }), 'idle'],
    ['pending within the cadence', base({ pending: 2, oldestPendingAt: ago(30) }), 'ok'],
    ['pending past 1× the cadence', base({ pending: 2, oldestPendingAt: ago(90) }), 'late'],
    ['pending past 2× the cadence', base({ pending: 2, oldestPendingAt: ago(121) }), 'failing'],
    ['pending since long but a success since', base({ pending: 2, oldestPendingAt: ago(3600), lastSuccessAt: ago(10) }), 'ok'],
    ['new pending after an old success is not late at once', base({ pending: 1, oldestPendingAt: ago(5), lastSuccessAt: ago(3600) }), 'ok'],
    ['failures, last attempt failed', base({ failures: 1, lastFailureAt: ago(5), lastSuccessAt: ago(50) }), 'failing'],
    ['failures, last attempt succeeded', base({ failures: 1, lastFailureAt: ago(50), lastSuccessAt: ago(5) }), 'ok'],
    ['failures, never a success', base({ failures: 1, lastFailureAt: ago(500) }), 'failing'],
    ['poller succeeding on time', poller(ago(30)), 'ok'],
    ['poller silent past 1× the cadence', poller(ago(61)), 'late'],
    ['poller never ran, connection active for long', poller(null), 'late'],
    ['poller never ran, just activated', base({ poller: { lastSuccessAt: null, lastFailureAt: null, lastError: null } }, { poller: true, activeSince: ago(10) }), 'ok'],
    ['poller last round failed', poller(ago(40), ago(5)), 'failing'],
    ['poller round failed at its own end (unreadable range)', poller(ago(5), ago(5)), 'failing'],
    ['poller recovered after a failure', poller(ago(5), ago(40)), 'ok'],
    ['poller on time but parked items failed last', poller(ago(5), null, { failures: 2, lastFailureAt: ago(1), lastSuccessAt: ago(60) }), 'failing'],
  ] as const)('%s → %s', (_name, input, expected) => {
    expect(flowState(input)).toBe(expected);
  });
});

describe('healthOf (the worst flow)', () => {
  it.each([
    ['not_installed', ['failing'], 'not_set_up'],
    ['not_configured', [], 'not_set_up'],
    ['inactive', ['off'], 'inactive'],
    ['active', ['ok', 'idle', 'off'], 'ok'],
    ['active', ['ok', 'late', 'unknown'], 'late'],
    ['active', ['late', 'failing'], 'failing'],
    ['active', ['unknown'], 'ok'],
  ] as const)('%s with %j → %s', (situation, states, expected) => {
    expect(healthOf(situation, [...states])).toBe(expected);
  });
});
