import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shared API budget: one row per provider account, the grants of the last minute, the calls in flight
 * and what each process is waiting for. Owned by @hub/budget, used by every service that calls out.
 */
export class BudgetTables1764200000300 implements MigrationInterface {
  name = 'BudgetTables1764200000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE bucket (
        key text PRIMARY KEY,
        limit_per_minute int NOT NULL,
        max_concurrent int NOT NULL,
        paused_until timestamptz,
        grants_since_normal int NOT NULL DEFAULT 0,
        grants_since_bulk int NOT NULL DEFAULT 0,
        blocks bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE TABLE grant_log (key text NOT NULL, granted_at timestamptz NOT NULL, lane text NOT NULL)`);
    await q.query(`CREATE INDEX grant_log_key_time ON grant_log (key, granted_at)`);
    await q.query(`CREATE TABLE lease (id uuid PRIMARY KEY, key text NOT NULL, expires_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX lease_key ON lease (key, expires_at)`);
    await q.query(`
      CREATE TABLE demand (
        key text NOT NULL,
        process_id text NOT NULL,
        lane text NOT NULL,
        oldest_at timestamptz NOT NULL,
        heartbeat_at timestamptz NOT NULL,
        last_granted_at timestamptz,
        PRIMARY KEY (key, process_id, lane)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE demand');
    await q.query('DROP TABLE lease');
    await q.query('DROP TABLE grant_log');
    await q.query('DROP TABLE bucket');
  }
}
