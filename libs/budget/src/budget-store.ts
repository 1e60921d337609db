import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import { reportBackgroundError } from '@hub/platform';
import { pickNext, type Demand } from './grant-policy';
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
  /** The limit counts calls in any 60 s; 1 s more covers the transit between our grant and the provider's clock. */
  windowMs: 61_000,
  /** A call that has not released its slot by then is presumed dead (crashed process). */
  leaseMs: 60_000,
  /** A process that stopped heart-beating its demand is ignored by the others. */
  demandTtlMs: 3_000,
  /** How long a loser waits before asking again when another process's turn is pending. */
  retryMs: 15,
};

/** The shared state of every account's budget, in PostgreSQL (schema api_budget). */
export class BudgetStore {
  constructor(readonly pool: Pool, private readonly windowMs = BUDGET_DEFAULTS.windowMs) {}

  /** `windowMs` is shortened only by tests, to see minutes pass in seconds. */
  static connect(databaseUrl: string, schema = 'api_budget', windowMs = BUDGET_DEFAULTS.windowMs): BudgetStore {
    const pool = new Pool({ connectionString: databaseUrl, max: 4, options: `-c search_path=${schema}` });
    // An idle client's socket closing (PostgreSQL restarting) is emitted on the pool: without a listener it
    // is an unhandled 'error' event and kills the process. The pool drops that client; the next query reconnects.
    pool.on('error', (error) => reportBackgroundError('api-budget pool', error));
    return new BudgetStore(pool, windowMs);
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
   * decision across every replica of every service.
   */
  async tryGrant(key: string, processId: string): Promise<GrantAttempt> {
    return this.transaction(async (c) => {
      const bucket = (await c.query(
        `SELECT limit_per_minute, max_concurrent, paused_until, grants_since_normal, grants_since_bulk,
                (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now_ms,
                (extract(epoch FROM paused_until) * 1000)::float8 AS paused_ms
           FROM bucket WHERE key = $1 FOR UPDATE`,
        [key],
      )).rows[0] as { limit_per_minute: number; max_concurrent: number; grants_since_normal: number; grants_since_bulk: number; now_ms: number; paused_ms: number | null } | undefined;
      if (!bucket) return { granted: false, waitMs: 100, reason: 'idle' };
      const now = bucket.now_ms;
      if (bucket.paused_ms && bucket.paused_ms > now) return { granted: false, waitMs: bucket.paused_ms - now, reason: 'paused' };

      // The minute's grants, the calls in flight and every process's demand, in one round trip (under the bucket's lock).
      const stats = (await c.query(
        `SELECT w.n, w.oldest, w.newest,
                (SELECT count(*)::int FROM lease WHERE key = $1 AND expires_at > clock_timestamp()) AS in_flight,
                (SELECT coalesce(json_agg(json_build_object('processId', process_id, 'lane', lane,
                          'oldestAt', (extract(epoch FROM oldest_at) * 1000)::float8, 'lastGrantedAt', (extract(epoch FROM last_granted_at) * 1000)::float8)), '[]')
                   FROM demand WHERE key = $1 AND heartbeat_at > to_timestamp($3 / 1000.0)) AS demands
           FROM (SELECT count(*)::int AS n, (extract(epoch FROM min(granted_at)) * 1000)::float8 AS oldest,
                        (extract(epoch FROM max(granted_at)) * 1000)::float8 AS newest
                   FROM grant_log WHERE key = $1 AND granted_at > to_timestamp($2 / 1000.0)) w`,
        [key, now - this.windowMs, now - BUDGET_DEFAULTS.demandTtlMs],
      )).rows[0] as { n: number; oldest: number | null; newest: number | null; in_flight: number; demands: Demand[] };
      if (stats.n >= bucket.limit_per_minute) {
        return { granted: false, waitMs: Math.max(5, (stats.oldest ?? now) + this.windowMs - now), reason: 'minute-full' };
      }
      // Calls are spaced evenly over the minute: a burst would empty the minute at once and leave a
      // real-time call waiting for the next one; spaced, it waits for one slot at most.
      const spacingMs = this.windowMs / bucket.limit_per_minute;
      if (stats.newest !== null && now < stats.newest + spacingMs) {
        return { granted: false, waitMs: stats.newest + spacingMs - now, reason: 'pacing' };
      }
      if (stats.in_flight >= bucket.max_concurrent) return { granted: false, waitMs: 20, reason: 'concurrency' };

      const next = pickNext(stats.demands, { normal: bucket.grants_since_normal, bulk: bucket.grants_since_bulk });
      if (!next) return { granted: false, waitMs: 50, reason: 'idle' };
      if (next.processId !== processId) return { granted: false, waitMs: BUDGET_DEFAULTS.retryMs, reason: 'other-turn' };

      const leaseId = randomUUID();
      await c.query(
        `WITH logged AS (INSERT INTO grant_log (key, granted_at, lane) VALUES ($1, clock_timestamp(), $2)),
              leased AS (INSERT INTO lease (id, key, expires_at) VALUES ($3, $1, clock_timestamp() + make_interval(secs => $4))),
              served AS (UPDATE demand SET last_granted_at = clock_timestamp() WHERE key = $1 AND process_id = $5 AND lane = $2),
              counted AS (INSERT INTO grant_minute (key, minute, lane, n) VALUES ($1, date_trunc('minute', clock_timestamp()), $2, 1)
                          ON CONFLICT (key, minute, lane) DO UPDATE SET n = grant_minute.n + 1)
         UPDATE bucket SET grants_since_normal = CASE WHEN $2 = 'normal' THEN 0 ELSE grants_since_normal + 1 END,
                           grants_since_bulk = CASE WHEN $2 = 'bulk' THEN 0 ELSE grants_since_bulk + 1 END
          WHERE key = $1`,
        [key, next.lane, leaseId, BUDGET_DEFAULTS.leaseMs / 1000, processId],
      );
      return { granted: true, leaseId, lane: next.lane, nextInMs: spacingMs };
    });
  }

  /** The dashboard's view of one account (see `readBudgetReport`). */
  report(key: string): Promise<BudgetReport> {
    return readBudgetReport(this.pool, key, this.windowMs);
  }

  async release(leaseId: string): Promise<void> {
    await this.pool.query('DELETE FROM lease WHERE id = $1', [leaseId]);
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

  private async transaction<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const result = await fn(c);
      await c.query('COMMIT');
      return result;
    } catch (error) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      c.release();
    }
  }
}
