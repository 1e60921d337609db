import { Backoff } from './backoff';

describe('Backoff', () => {
  it('takes the n-th step for the n-th failed attempt and repeats the last', () => {
    const steps = Backoff.steps([2_000, 10_000, 30_000]);
    expect([0, 1, 2, 3, 4, 100].map((n) => steps.delayMs(n))).toEqual([2_000, 2_000, 10_000, 30_000, 30_000, 30_000]);
  });

  it('doubles from the first delay up to the cap', () => {
    const doubling = Backoff.doubling(2_000, 300_000);
    expect(doubling.stepsMs).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000]);
    expect(doubling.delayMs(50)).toBe(300_000);
  });

  it('adds the waits of a number of attempts', () => {
    expect(Backoff.steps([1_000, 5_000]).totalMs(4)).toBe(1_000 + 5_000 + 5_000 + 5_000);
  });

  it('refuses an empty schedule', () => {
    expect(() => Backoff.steps([])).toThrow(/at least one step/);
  });
});
