import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { reportBackgroundError } from '@hub/platform';
import { RESERVED_TURN_EVERY } from './grant-policy';
import type { Lane } from './lanes';
import { readBudgetReport, type BudgetReport } from './budget-report';

export interface BucketLimits {
  limitPerMinute: number;
  maxConcurrent: number;
}

/** `nextInMs`: the pacing keeps every other grant of the account (any process) at least this long from this one. */
export type GrantAttempt = { granted: true; leaseId: string; lane: Lane; nextInMs: number } | { granted: false; waitMs: number; reason: 'paused' | 'minute-full' | 'pacing' | 'concurrency' | 'other-turn' | 'idle' };

/** Tuning, with the reasons. */
export const BUDGET_DEFAULTS = {
  /**
   * The limit counts calls in any 60 s; 1 s more covers the provider's clock. A call counts from its end once it is
   * over (ADR 0033), so a call sent late after its grant does not open the window early.
   */
  windowMs: 61_000,
  /** A call that has not released its slot by then is presumed dead (crashed process). */
  leaseMs: 60_000,
  /** A process that stopped heart-beating its demand is ignored by the others. */
  demandTtlMs: 3_000,
  /** How long a loser waits before asking again when another process's turn is pending. */
  retryMs: 15,
  /**
   * A call not released (in flight, or its process died before it could record the end) counts in the window from
   * its grant + this (ADR 0035): well above the sends seen late after their grant (≈ 2.5 s on a loaded machine).
   */
  unreleasedCallMs: 15_000,
};

/** The shared state of every account's budget, in PostgreSQL (schema api_budget). */
export class BudgetStore {
  constructor(readonly pool: Pool, private readonly windowMs = BUDGET_DEFAULTS.windowMs, private readonly unreleasedCallMs = BUDGET_DEFAULTS.unreleasedCallMs) {}

  /** `windowMs` and `unreleasedCallMs` are shortened only by tests, to see minutes pass in seconds. */
  static connect(databaseUrl: string, schema = 'api_budget', windowMs = BUDGET_DEFAULTS.windowMs, unreleasedCallMs = BUDGET_DEFAULTS.unreleasedCallMs): BudgetStore {
    const pool = new Pool({ connectionString: databaseUrl, max: 4, options: `-c search_path=${schema}` });
    // An idle client's socket closing (PostgreSQL restarting) is emitted on the pool: without a listener it
    // is an unhandled 'error' event and kills the process. The pool drops that client; the next query reconnects.
    pool.on('error', (error) => reportBackgroundError('api-budget pool', error));
    return new BudgetStore(pool, windowMs, unreleasedCallMs);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Creates the bucket on first use. `authoritative` limits (an override, or what the provider announced)
   * replace the stored ones; a mere default never overwrites a limit another process already learned.
   */
  async ensureBucket(key: string, limits: BucketLimits, authoritative: boolean): Promise<void> {
    await this.pool.query(
      authoritative
        ? `INSERT INTO bucket (key, limit_per_minute, max_concurrent) VALUES ($1, $2, $3)
           ON CONFLICT (key) DO UPDATE SET limit_per_minute = EXCLUDED.limit_per_minute, max_concurrent = EXCLUDED.max_concurrent, updated_at = now()
           WHERE bucket.limit_per_minute <> EXCLUDED.limit_per_minute OR bucket.max_concurrent <> EXCLUDED.max_concurrent`
        : `INSERT INTO bucket (key, limit_per_minute, max_concurrent) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`,
      [key, limits.limitPerMinute, limits.maxConcurrent],
    );
  }

  /** Tells the others which lanes this process waits in, and since when (one statement: the others' lanes go). */
  async heartbeat(key: string, processId: string, waiting: { lane: Lane; oldestAt: number }[]): Promise<void> {
    await this.pool.query(
      `WITH gone AS (DELETE FROM demand WHERE key = $1 AND process_id = $2 AND lane <> ALL($3::text[]))
       INSERT INTO demand (key, process_id, lane, oldest_at, heartbeat_at)
       SELECT $1, $2, w.lane, to_timestamp(w.oldest / 1000.0), clock_timestamp() FROM unnest($3::text[], $4::float8[]) AS w(lane, oldest)
       ON CONFLICT (key, process_id, lane) DO UPDATE SET oldest_at = EXCLUDED.oldest_at, heartbeat_at = EXCLUDED.heartbeat_at`,
      [key, processId, waiting.map((w) => w.lane), waiting.map((w) => w.oldestAt)],
    );
  }

  /**
   * One attempt at the next call of `key` for this process: the row lock on the bucket serialises the
   * decision across every replica of every service. One round trip: `try_grant` (BudgetGrantFunction migration)
   * takes the bucket's lock, then reads the minute's grants, the calls in flight and every process's demand, and
   * grants or says why not:
   * - paused: a block signal from the provider is running out;
   * - minute-full: the limit counts calls in any window of `windowMs`;
   * - pacing: calls are spaced evenly over the minute (a burst would empty the minute at once and leave a
   *   real-time call waiting for the next one; spaced, it waits for one slot at most);
   * - concurrency: `max_concurrent` leases are live;
   * - other-turn / idle: `pickNext`'s policy (a lane owed its reserved turn, else the best lane; then the process
   *   served longest ago, then the oldest waiter) chose another process, or nobody waits.
   */
  async tryGrant(key: string, processId: string): Promise<GrantAttempt> {
    const leaseId = randomUUID();
    const { rows } = await this.pool.query(
      'SELECT granted, lane, wait_ms, reason, next_in_ms FROM try_grant($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [key, processId, leaseId, this.windowMs, BUDGET_DEFAULTS.demandTtlMs, BUDGET_DEFAULTS.leaseMs, RESERVED_TURN_EVERY.normal, RESERVED_TURN_EVERY.bulk, this.unreleasedCallMs],
    );
    const answer = rows[0] as { granted: boolean; lane: Lane | null; wait_ms: number; reason: Exclude<GrantAttempt, { granted: true }>['reason'] | null; next_in_ms: number | null };
    return answer.granted
      ? { granted: true, leaseId, lane: answer.lane!, nextInMs: answer.next_in_ms ?? 0 }
      : { granted: false, waitMs: answer.wait_ms, reason: answer.reason! };
  }

  /** The dashboard's view of one account (see `readBudgetReport`). */
  report(key: string): Promise<BudgetReport> {
    return readBudgetReport(this.pool, key, this.windowMs);
  }

  /** Ends a call: its slot of the concurrency frees, and its grant counts in the window from now (ADR 0033). */
  async release(leaseId: string): Promise<void> {
    await this.pool.query('WITH freed AS (DELETE FROM lease WHERE id = $1) UPDATE grant_log SET done_at = clock_timestamp() WHERE lease = $1', [leaseId]);
  }

  /** A block signal from the provider: nobody calls this account until `pauseMs` from now. */
  async pause(key: string, pauseMs: number): Promise<void> {
    await this.pool.query(
      `WITH logged AS (INSERT INTO block_log (key) VALUES ($1))
       UPDATE bucket SET paused_until = GREATEST(coalesce(paused_until, clock_timestamp()), clock_timestamp() + make_interval(secs => $2)), blocks = blocks + 1 WHERE key = $1`,
      [key, pauseMs / 1000],
    );
  }

  /** Forgets grants older than the window, dead leases and silent processes. */
  async prune(): Promise<void> {
    await this.pool.query(`DELETE FROM grant_log WHERE granted_at < clock_timestamp() - interval '5 minutes'`);
    await this.pool.query(`DELETE FROM lease WHERE expires_at < clock_timestamp()`);
    await this.pool.query(`DELETE FROM demand WHERE heartbeat_at < clock_timestamp() - interval '1 minute'`);
    await this.pool.query(`DELETE FROM grant_minute WHERE minute < clock_timestamp() - interval '2 hours'`);
    await this.pool.query(`DELETE FROM block_log WHERE at < clock_timestamp() - interval '2 days'`);
  }
}
