import { longOpenReads, statusPollInterval } from './status-poll-interval';

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

describe('longOpenReads', () => {
  it.each([
    ['a 50/min account, 30 s rounds: 5 calls of its share, one taken by a search page', 1, 50, 30_000, 4],
    ['the search used the whole share: still one, the interval stretches', 8, 50, 30_000, 1],
    ['nothing searched', 0, 50, 30_000, 5],
    ['a large account is capped', 0, 6000, 30_000, 50],
    ['a short base on a small account', 0, 50, 500, 1],
  ])('%s', (_name, pages, perMinute, base, expected) => {
    expect(longOpenReads(pages, perMinute, base)).toBe(expected);
  });
});
