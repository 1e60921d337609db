/**
 * Turns of one replica's imports, per connection (ADR 0031). An import spends most of its time waiting for its own
 * connection's Tiny and Ideris budget slots, so a connection needs only a few imports in flight to keep its budget
 * busy; more of them only hold the replica's slots while other connections' jobs wait behind them in the stream
 * (head-of-line blocking). A job whose connection has used its turns waits in `order_sync` instead, and the next free
 * turn of that connection takes it.
 */
export class ImportTurns {
  private readonly inFlight = new Map<string, number>();

  /** Takes one of the connection's `turns` (how many of its imports may run at once here); false when all are taken. */
  take(connectionId: string, turns: number): boolean {
    const n = this.inFlight.get(connectionId) ?? 0;
    if (n >= turns) return false;
    this.inFlight.set(connectionId, n + 1);
    return true;
  }

  /** Takes a turn even over the connection's share (a job the waiting queue cannot hold: it still runs). */
  force(connectionId: string): void {
    this.inFlight.set(connectionId, (this.inFlight.get(connectionId) ?? 0) + 1);
  }

  give(connectionId: string): void {
    const n = (this.inFlight.get(connectionId) ?? 0) - 1;
    if (n > 0) this.inFlight.set(connectionId, n);
    else this.inFlight.delete(connectionId);
  }

  running(connectionId: string): number {
    return this.inFlight.get(connectionId) ?? 0;
  }

  /** Imports in flight over every connection. */
  get total(): number {
    let sum = 0;
    for (const n of this.inFlight.values()) sum += n;
    return sum;
  }
}

/** Fewest and most imports of one connection a replica runs at once. */
export const TURNS = { min: 2, max: 128 } as const;

/**
 * A connection's turns from its budgets: one per 30 calls a minute of the tighter of its Tiny and Ideris limits (an
 * import makes about one call on each), at least 2 (one calling, one waiting for the next slot) and at most 128 (a
 * generous plan is bound by the hub, not by its budget). A Tiny limit learned from `x-limit-api` is not in the
 * settings: the Ideris limit (default 50) then decides.
 */
export function turnsForLimits(limits: { tinyCallsPerMinute?: number; iderisCallsPerMinute?: number }): number {
  const tighter = Math.min(limits.tinyCallsPerMinute ?? Number.POSITIVE_INFINITY, limits.iderisCallsPerMinute ?? 50);
  return Math.max(TURNS.min, Math.min(TURNS.max, Math.ceil(tighter / 30)));
}
