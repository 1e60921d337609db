import { statusPollInterval } from './status-poll-interval';

describe('statusPollInterval', () => {
  it.each([
    ['nothing read: the base interval', 0, 50, 30_000, 30_000],
    ['one page on a 50/min account: 6 s of its 20 % share, below the base', 1, 50, 30_000, 30_000],
    ['ten pages on a 50/min account: one minute', 10, 50, 30_000, 60_000],
    ['a short base in tests is still bounded by the budget', 1, 50, 500, 6_000],
    ['a large account reads more often', 1, 600, 500, 500],
  ])('%s', (_name, calls, perMinute, base, expected) => {
    expect(statusPollInterval(calls, perMinute, base)).toBe(expected);
  });
});
