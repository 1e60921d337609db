import type { Pool } from 'pg';
import { LANES, type Lane } from './lanes';

export interface BudgetReport {
  limitPerMinute: number | null;
  usedLastMinute: number;
  byLane: Record<Lane, number>;
  /** Lanes waiting for a slot right now, summed over the processes that wait (one per process and lane). */
  queued: number;
  blocks: { last24h: number; lastAt: string | null };
  pausedUntil: string | null;
  /** Grants per minute over the last `minutes` (oldest first, every minute present). */
  perMinute: { minute: string; calls: number }[];
}

/**
 * Reads one account's budget state (schema api_budget) for the dashboard: the only way another component reads
 * these tables. `key` is the account's bucket key (`ApiBudget.keyOf`).
 */
export async function readBudgetReport(pool: Pool, key: string, windowMs: number, minutes = 60): Promise<BudgetReport> {
  const { rows } = await pool.query(
    `SELECT (SELECT limit_per_minute FROM bucket WHERE key = $1) AS limit_per_minute,
            (SELECT paused_until FROM bucket WHERE key = $1 AND paused_until > clock_timestamp()) AS paused_until,
            (SELECT coalesce(json_object_agg(lane, n), '{}') FROM (SELECT lane, count(*)::int AS n FROM grant_log
               WHERE key = $1 AND granted_at > clock_timestamp() - make_interval(secs => $2::float8 / 1000) GROUP BY lane) l) AS by_lane,
            (SELECT count(*)::int FROM demand WHERE key = $1 AND heartbeat_at > clock_timestamp() - interval '3 seconds') AS queued,
            (SELECT count(*)::int FROM block_log WHERE key = $1 AND at > clock_timestamp() - interval '24 hours') AS blocks,
            (SELECT max(at) FROM block_log WHERE key = $1) AS last_block_at,
            (SELECT coalesce(json_agg(json_build_object('minute', m.minute, 'calls', coalesce(g.n, 0)) ORDER BY m.minute), '[]')
               FROM generate_series(date_trunc('minute', clock_timestamp()) - make_interval(mins => $3::int - 1), date_trunc('minute', clock_timestamp()), interval '1 minute') AS m(minute)
               LEFT JOIN (SELECT minute, sum(n)::int AS n FROM grant_minute WHERE key = $1 GROUP BY minute) g ON g.minute = m.minute) AS per_minute`,
    [key, windowMs, minutes],
  );
  const r = rows[0] as { limit_per_minute: number | null; paused_until: Date | null; by_lane: Record<string, number>; queued: number; blocks: number; last_block_at: Date | null; per_minute: { minute: string; calls: number }[] };
  const byLane = Object.fromEntries(LANES.map((lane) => [lane, r.by_lane[lane] ?? 0])) as Record<Lane, number>;
  return {
    limitPerMinute: r.limit_per_minute,
    usedLastMinute: LANES.reduce((n, lane) => n + byLane[lane], 0),
    byLane,
    queued: r.queued,
    blocks: { last24h: r.blocks, lastAt: r.last_block_at ? new Date(r.last_block_at).toISOString() : null },
    pausedUntil: r.paused_until ? new Date(r.paused_until).toISOString() : null,
    perMinute: r.per_minute.map((p) => ({ minute: new Date(p.minute).toISOString(), calls: p.calls })),
  };
}
