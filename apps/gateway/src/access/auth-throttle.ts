/**
 * Repeated authentication failures from one address slow that address down: after `freeFailures` in a
 * minute every request of that address waits (doubling, up to `maxDelayMs`), and past `blockAfter` it is
 * refused with 429 until the minute has passed. Per replica, in memory: an attacker spread over replicas
 * still meets each one's brakes, and a restart forgives (documented in the gateway README).
 */
export const AUTH_THROTTLE = { windowMs: 60_000, freeFailures: 5, baseDelayMs: 200, maxDelayMs: 5_000, blockAfter: 30, maxTracked: 10_000 };

export type ThrottleVerdict = { action: 'pass' } | { action: 'delay'; ms: number } | { action: 'block'; retryAfterSeconds: number };

export class AuthThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now, private readonly limits = AUTH_THROTTLE) {}

  verdict(address: string): ThrottleVerdict {
    const recent = this.recent(address);
    if (recent.length >= this.limits.blockAfter) {
      return { action: 'block', retryAfterSeconds: Math.max(1, Math.ceil((recent[0]! + this.limits.windowMs - this.now()) / 1000)) };
    }
    if (recent.length < this.limits.freeFailures) return { action: 'pass' };
    const ms = Math.min(this.limits.maxDelayMs, this.limits.baseDelayMs * 2 ** (recent.length - this.limits.freeFailures));
    return { action: 'delay', ms };
  }

  failed(address: string): void {
    if (this.failures.size > this.limits.maxTracked) this.failures.clear();
    const recent = this.recent(address);
    recent.push(this.now());
    this.failures.set(address, recent);
  }

  private recent(address: string): number[] {
    const since = this.now() - this.limits.windowMs;
    const kept = (this.failures.get(address) ?? []).filter((t) => t > since);
    if (kept.length) this.failures.set(address, kept);
    else this.failures.delete(address);
    return kept;
  }
}
