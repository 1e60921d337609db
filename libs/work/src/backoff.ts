/**
 * The one retry schedule of the hub: the n-th failed attempt (1-based) waits the n-th step, the last step repeating.
 * A consumer's `retryDelaysMs`, fiscal's re-check steps and the catalog pushers' doubling are all one of these.
 */
export class Backoff {
  private constructor(readonly stepsMs: readonly number[]) {}

  /** Explicit steps (a consumer's `retryDelaysMs`). */
  static steps(stepsMs: readonly number[]): Backoff {
    if (stepsMs.length === 0) throw new Error('a backoff needs at least one step');
    return new Backoff([...stepsMs]);
  }

  /** `firstMs`, twice that, four times … up to `maxMs`, which then repeats. */
  static doubling(firstMs: number, maxMs: number): Backoff {
    const steps = [firstMs];
    while (steps.at(-1)! < maxMs) steps.push(Math.min(steps.at(-1)! * 2, maxMs));
    return new Backoff(steps);
  }

  /** How long to wait after the `attempt`-th failed attempt. */
  delayMs(attempt: number): number {
    return this.stepsMs[Math.min(Math.max(attempt, 1), this.stepsMs.length) - 1]!;
  }

  /** When to look again after the `attempt`-th failed attempt. */
  after(attempt: number, now = Date.now()): Date {
    return new Date(now + this.delayMs(attempt));
  }

  /** The waits of `attempts` failed attempts together: no retry of the schedule comes later than this. */
  totalMs(attempts: number): number {
    let total = 0;
    for (let attempt = 1; attempt <= attempts; attempt += 1) total += this.delayMs(attempt);
    return total;
  }
}
