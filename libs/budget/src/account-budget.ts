import { counter, histogram } from '@hub/platform';
import type { BudgetStore, BucketLimits } from './budget-store';
import type { CallGate, GatedCall } from './call-gate';
import { currentLane, currentQueuePlace, LANES, type Lane } from './lanes';

interface Waiter {
  lane: Lane;
  enqueuedAt: number;
  resolve(grant: { leaseId: string }): void;
  reject(error: Error): void;
}

const grants = counter('hub_api_budget_grants_total', 'Calls granted by the shared API budget', ['provider', 'lane']);
const blocks = counter('hub_api_budget_blocks_total', 'Block signals from a provider (Tiny 6/11, Ideris 429)', ['provider']);
const waits = histogram('hub_api_budget_wait_seconds', 'Time a call waited for its budget slot', ['provider', 'lane'], [0.01, 0.1, 0.5, 1, 2, 5, 15, 60, 300]);

/** Consecutive block signals on one call before it is given back to its job (which retries it later). */
const MAX_BLOCKS_PER_CALL = 20;
const MAX_PAUSE_MS = 60_000;
/** The demand row is refreshed at least this often while the same lanes wait (others ignore it after 3 s). */
const HEARTBEAT_EVERY_MS = 1_000;

/**
 * One provider account's budget as seen from this process: callers queue by lane here, and a single loop
 * asks the shared store for the next slot on their behalf.
 */
export class AccountBudget implements CallGate {
  private readonly queues: Record<Lane, Waiter[]> = { realtime: [], normal: [], bulk: [] };
  private looping = false;
  private closed = false;
  private batch?: AccountBudget;
  private consecutiveBlocks = 0;
  /** The waiting lanes last announced, and when: announced again at once when they change, else every second. */
  private announced = { lanes: '', at: 0 };

  /**
   * The bucket write this budget still owes (its limits, authoritative or not), or undefined once written. It never
   * fails a caller: a write that fails (PostgreSQL away) is made again by the grant loop before its next attempt.
   */
  private owedWrite?: { authoritative: boolean };
  private ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: BudgetStore,
    readonly key: string,
    readonly provider: 'tiny' | 'ideris',
    private readonly processId: string,
    private limits: BucketLimits,
    private limitOverridden: boolean,
  ) {
    this.writeBucket(limitOverridden);
  }

  /** Writes the limits to the shared bucket (`authoritative`: over what it says); a failure leaves the write owed. */
  private writeBucket(authoritative: boolean): void {
    this.owedWrite = { authoritative };
    const limits = this.limits;
    this.ready = this.store.ensureBucket(this.key, limits, authoritative).then(
      () => {
        if (this.limits === limits) this.owedWrite = undefined;
      },
      () => undefined,
    );
  }

  /** Tiny's second bucket for product and contact writes (5 a minute, on top of the account's minute). */
  withBatchBucket(batch: AccountBudget): this {
    this.batch = batch;
    return this;
  }

  async run<T>(request: GatedCall, call: () => Promise<T>): Promise<T> {
    const lane = currentLane();
    const askedAt = Date.now();
    // A job's later calls keep the job's place in the queue (runInLane's `since`), never a place in the future.
    const enqueuedAt = Math.min(askedAt, currentQueuePlace() ?? askedAt);
    for (let attempt = 1; ; attempt++) {
      const batchLease = request.cost === 'batch' && this.batch ? await this.batch.acquire(lane, enqueuedAt) : undefined;
      const lease = await this.acquire(lane, enqueuedAt);
      if (attempt === 1) waits.observe({ provider: this.provider, lane }, (Date.now() - askedAt) / 1000);
      try {
        const result = await call();
        this.consecutiveBlocks = 0;
        await this.learn(request);
        return result;
      } catch (error) {
        const block = request.blockOf?.(error);
        if (!block || attempt >= MAX_BLOCKS_PER_CALL) throw error;
        blocks.inc({ provider: this.provider });
        // Repeated blocks double the pause (the provider is still counting calls we cannot see); a success resets it.
        this.consecutiveBlocks++;
        await this.store.pause(this.key, Math.min(MAX_PAUSE_MS, block.pauseMs * 2 ** (this.consecutiveBlocks - 1)));
      } finally {
        await this.store.release(lease.leaseId).catch(() => undefined);
        if (batchLease) await this.store.release(batchLease.leaseId).catch(() => undefined);
      }
    }
  }

  /** Waits for a slot in `lane`; keeps the caller's original place on a retry after a block. */
  acquire(lane: Lane, enqueuedAt = Date.now()): Promise<{ leaseId: string }> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('API budget closed'));
      const queue = this.queues[lane];
      const waiter: Waiter = { lane, enqueuedAt, resolve, reject };
      const at = queue.findIndex((w) => w.enqueuedAt > enqueuedAt);
      if (at < 0) queue.push(waiter);
      else queue.splice(at, 0, waiter);
      void this.loop();
    });
  }

  close(): void {
    this.closed = true;
    for (const lane of LANES) for (const w of this.queues[lane].splice(0)) w.reject(new Error('API budget closed'));
  }

  private async loop(): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    try {
      await this.ready;
      while (!this.closed && LANES.some((l) => this.queues[l].length > 0)) {
        const waiting = LANES.filter((l) => this.queues[l].length > 0).map((l) => ({ lane: l, oldestAt: this.queues[l][0]!.enqueuedAt }));
        try {
          if (this.owedWrite) {
            await this.store.ensureBucket(this.key, this.limits, this.owedWrite.authoritative);
            this.owedWrite = undefined;
          }
          await this.announce(waiting);
          const attempt = await this.store.tryGrant(this.key, this.processId);
          if (attempt.granted) {
            const waiter = this.queues[attempt.lane].shift();
            if (waiter) {
              grants.inc({ provider: this.provider, lane: attempt.lane });
              waiter.resolve({ leaseId: attempt.leaseId });
            } else {
              await this.store.release(attempt.leaseId);
            }
            // Asking again before the pacing allows would only be refused (a transaction of four round trips).
            if (LANES.some((l) => this.queues[l].length > 0)) await sleep(Math.min(attempt.nextInMs, 1000));
          } else {
            await sleep(Math.min(attempt.waitMs, 1000));
          }
        } catch {
          await sleep(500); // database hiccup: keep the callers waiting, not failing
        }
      }
      await this.announce([]).catch(() => undefined);
    } finally {
      this.looping = false;
      if (!this.closed && LANES.some((l) => this.queues[l].length > 0)) void this.loop();
    }
  }

  /**
   * Tells the other processes which lanes wait here. A lane that starts or stops waiting is announced at once (a
   * grant for a lane nobody waits in would waste a call of the minute); the age of the oldest waiter only every
   * second, which is all the fairness order needs, and saves a round trip per call.
   */
  private async announce(waiting: { lane: Lane; oldestAt: number }[]): Promise<void> {
    const lanes = waiting.map((w) => w.lane).join(',');
    if (lanes === this.announced.lanes && Date.now() - this.announced.at < HEARTBEAT_EVERY_MS) return;
    await this.store.heartbeat(this.key, this.processId, waiting);
    this.announced = { lanes, at: Date.now() };
  }

  /**
   * Adopts a limit the connection's settings give (a process that already held the account keeps one budget for it):
   * written to the shared bucket, so every process grants against it.
   */
  configure(limits: BucketLimits): void {
    if (this.limitOverridden && limits.limitPerMinute === this.limits.limitPerMinute && limits.maxConcurrent === this.limits.maxConcurrent) return;
    this.limits = limits;
    this.limitOverridden = true;
    this.writeBucket(true);
  }

  /** Adopts the limit the provider announced (unless the connection overrides it). */
  private async learn(request: GatedCall): Promise<void> {
    const observed = request.observedLimitPerMinute?.();
    if (this.limitOverridden || !observed || observed === this.limits.limitPerMinute) return;
    this.limits = { limitPerMinute: observed, maxConcurrent: Math.max(1, Math.floor(observed / 4)) };
    this.writeBucket(true);
    await this.ready;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
