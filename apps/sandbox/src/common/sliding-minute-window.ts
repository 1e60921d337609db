const WINDOW_MS = 60_000;

/**
 * Counts accepted calls over the last 60 seconds. Whether Tiny and Ideris use fixed or sliding minutes is
 * undocumented; a sliding window is the stricter reading, so a client that passes here passes either way.
 */
export class SlidingMinuteWindow {
  private readonly acceptedAt: number[] = [];
  /** What each accepted call was (its endpoint), beside `acceptedAt`, for a block's sample. */
  private readonly tags: string[] = [];

  tryAcquire(now: number, limit: number, tag = ''): boolean {
    this.evict(now);
    if (this.acceptedAt.length >= limit) return false;
    this.acceptedAt.push(now);
    this.tags.push(tag);
    return true;
  }

  /** The calls the window holds, oldest first: how long ago each was accepted, and what it was. */
  held(now: number): { agoMs: number; tag: string }[] {
    this.evict(now);
    return this.acceptedAt.map((at, i) => ({ agoMs: now - at, tag: this.tags[i] ?? '' }));
  }

  count(now: number): number {
    this.evict(now);
    return this.acceptedAt.length;
  }

  /** Milliseconds until one more call would be accepted. */
  msUntilFree(now: number, limit: number): number {
    this.evict(now);
    if (this.acceptedAt.length < limit) return 0;
    return this.acceptedAt[this.acceptedAt.length - limit] + WINDOW_MS - now;
  }

  private evict(now: number): void {
    while (this.acceptedAt.length > 0 && this.acceptedAt[0] <= now - WINDOW_MS) {
      this.acceptedAt.shift();
      this.tags.shift();
    }
  }
}
