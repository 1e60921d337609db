import { nextPollInterval, POLL_DEFAULTS } from './poll-interval';

describe('nextPollInterval', () => {
  it.each([
    [60_000, 5, 50, POLL_DEFAULTS.busyIntervalMs * 2],
    [60_000, 5, 500, POLL_DEFAULTS.busyIntervalMs],
    [3_000, 0, 50, 6_000],
    [6_000, 0, 50, 12_000],
    [48_000, 0, 50, 60_000],
    [60_000, 0, 50, 60_000],
    [3_000, 0, 5, 60_000],
  ])('from %i ms with %i new orders and %i calls/min → %i ms', (prev, found, budget, expected) => {
    expect(nextPollInterval(prev, found, budget)).toBe(expected);
  });

  it('keeps idle polling within a fifth of the Ideris budget', () => {
    let interval = POLL_DEFAULTS.busyIntervalMs;
    for (let i = 0; i < 20; i++) interval = nextPollInterval(interval, 0, 50);
    expect(60_000 / interval).toBeLessThanOrEqual(50 / 5);
  });
});
