import type { MigrationInterface, QueryRunner } from 'typeorm';
import { BudgetCallEnds1765300000300 } from './budget-call-ends.migration';

/**
 * A call never released counts from its grant + `p_unreleased_ms` (ADR 0035), not from its grant: its process died
 * (SIGKILL) after sending it, so no end was recorded, and the provider may have received it seconds after the grant.
 * bench:scale at `--slow 3` saw 12 Ideris blocks at once, 60 s after a replica was killed, each window holding a pair
 * of calls < 1 s apart where the grants were 3.6 s apart. The function gains a parameter, so the old signature goes.
 */
export class BudgetUnreleasedCalls1765400000300 implements MigrationInterface {
  name = 'BudgetUnreleasedCalls1765400000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION try_grant(text, text, uuid, float8, float8, float8, int, int)');
    await q.query(`
      CREATE OR REPLACE FUNCTION try_grant(p_key text, p_process text, p_lease uuid, p_window_ms float8, p_demand_ttl_ms float8,
                                           p_lease_ms float8, p_normal_every int, p_bulk_every int, p_unreleased_ms float8)
      RETURNS TABLE (granted boolean, lane text, wait_ms float8, reason text, next_in_ms float8)
      LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $fn$
      #variable_conflict use_column
      DECLARE
        b record;
        now_ms float8;
        n int; oldest float8; newest float8; in_flight int;
        spacing float8;
        owed text;
        chosen record;
      BEGIN
        SELECT limit_per_minute, max_concurrent, grants_since_normal, grants_since_bulk, (extract(epoch FROM paused_until) * 1000)::float8 AS paused_ms
          INTO b FROM bucket WHERE key = p_key FOR UPDATE;
        IF NOT FOUND THEN RETURN QUERY SELECT false, NULL::text, 100::float8, 'idle'::text, NULL::float8; RETURN; END IF;
        now_ms := (extract(epoch FROM clock_timestamp()) * 1000)::float8;
        IF b.paused_ms IS NOT NULL AND b.paused_ms > now_ms THEN
          RETURN QUERY SELECT false, NULL::text, b.paused_ms - now_ms, 'paused'::text, NULL::float8; RETURN;
        END IF;
        -- A call counts from its end (done_at, set as its lease is released) once known; a call not released (in flight, or
        -- its process died) from its grant + p_unreleased_ms: the provider may have received it that late (ADR 0035).
        -- Pacing keeps to the grants.
        SELECT count(*) FILTER (WHERE coalesce(done_at, granted_at + make_interval(secs => p_unreleased_ms / 1000)) > to_timestamp((now_ms - p_window_ms) / 1000.0))::int,
               (extract(epoch FROM min(coalesce(done_at, granted_at + make_interval(secs => p_unreleased_ms / 1000))) FILTER (WHERE coalesce(done_at, granted_at + make_interval(secs => p_unreleased_ms / 1000)) > to_timestamp((now_ms - p_window_ms) / 1000.0))) * 1000)::float8,
               (extract(epoch FROM max(granted_at)) * 1000)::float8
          INTO n, oldest, newest FROM grant_log WHERE key = p_key AND granted_at > to_timestamp((now_ms - p_window_ms - p_lease_ms) / 1000.0);
        IF n >= b.limit_per_minute THEN
          RETURN QUERY SELECT false, NULL::text, greatest(5, coalesce(oldest, now_ms) + p_window_ms - now_ms), 'minute-full'::text, NULL::float8; RETURN;
        END IF;
        -- Calls are spaced evenly over the minute (see BudgetStore.tryGrant).
        spacing := p_window_ms / b.limit_per_minute;
        IF newest IS NOT NULL AND now_ms < newest + spacing THEN
          RETURN QUERY SELECT false, NULL::text, newest + spacing - now_ms, 'pacing'::text, NULL::float8; RETURN;
        END IF;
        SELECT count(*)::int INTO in_flight FROM lease WHERE key = p_key AND expires_at > clock_timestamp();
        IF in_flight >= b.max_concurrent THEN RETURN QUERY SELECT false, NULL::text, 20::float8, 'concurrency'::text, NULL::float8; RETURN; END IF;

        SELECT CASE WHEN b.grants_since_bulk >= p_bulk_every - 1 AND EXISTS (SELECT 1 FROM demand d WHERE d.key = p_key AND d.lane = 'bulk' AND d.heartbeat_at > to_timestamp((now_ms - p_demand_ttl_ms) / 1000.0)) THEN 'bulk'
                    WHEN b.grants_since_normal >= p_normal_every - 1 AND EXISTS (SELECT 1 FROM demand d WHERE d.key = p_key AND d.lane = 'normal' AND d.heartbeat_at > to_timestamp((now_ms - p_demand_ttl_ms) / 1000.0)) THEN 'normal'
               END INTO owed;
        SELECT d.process_id, d.lane INTO chosen FROM demand d
         WHERE d.key = p_key AND d.heartbeat_at > to_timestamp((now_ms - p_demand_ttl_ms) / 1000.0)
         ORDER BY (d.lane IS NOT DISTINCT FROM owed) DESC,
                  CASE d.lane WHEN 'realtime' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END,
                  coalesce(extract(epoch FROM d.last_granted_at), 0), d.oldest_at, d.process_id
         LIMIT 1;
        IF NOT FOUND THEN RETURN QUERY SELECT false, NULL::text, 50::float8, 'idle'::text, NULL::float8; RETURN; END IF;
        IF chosen.process_id <> p_process THEN RETURN QUERY SELECT false, NULL::text, 15::float8, 'other-turn'::text, NULL::float8; RETURN; END IF;

        INSERT INTO grant_log (key, granted_at, lane, lease) VALUES (p_key, clock_timestamp(), chosen.lane, p_lease);
        INSERT INTO lease (id, key, expires_at) VALUES (p_lease, p_key, clock_timestamp() + make_interval(secs => p_lease_ms / 1000));
        UPDATE demand SET last_granted_at = clock_timestamp() WHERE key = p_key AND process_id = p_process AND demand.lane = chosen.lane;
        INSERT INTO grant_minute (key, minute, lane, n) VALUES (p_key, date_trunc('minute', clock_timestamp()), chosen.lane, 1)
          ON CONFLICT (key, minute, lane) DO UPDATE SET n = grant_minute.n + 1;
        UPDATE bucket SET grants_since_normal = CASE WHEN chosen.lane = 'normal' THEN 0 ELSE grants_since_normal + 1 END,
                          grants_since_bulk = CASE WHEN chosen.lane = 'bulk' THEN 0 ELSE grants_since_bulk + 1 END
         WHERE key = p_key;
        RETURN QUERY SELECT true, chosen.lane::text, 0::float8, NULL::text, spacing;
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION try_grant(text, text, uuid, float8, float8, float8, int, int, float8)');
    // The previous function again (its migration's down and up: grant_log's lease and done_at are transient, 5 minutes).
    const previous = new BudgetCallEnds1765300000300();
    await previous.down(q);
    await previous.up(q);
  }
}
