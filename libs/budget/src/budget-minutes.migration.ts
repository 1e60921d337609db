import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the dashboard shows of a budget beyond the live window: grants per minute and lane (kept 2 h; grant_log keeps
 * only 5 min) and each block signal (kept 2 days). Written under the bucket's lock, so one row per minute and lane.
 */
export class BudgetMinutes1764800000300 implements MigrationInterface {
  name = 'BudgetMinutes1764800000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE grant_minute (key text NOT NULL, minute timestamptz NOT NULL, lane text NOT NULL, n int NOT NULL, PRIMARY KEY (key, minute, lane))`);
    await q.query(`CREATE TABLE block_log (key text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`);
    await q.query(`CREATE INDEX block_log_key_time ON block_log (key, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE block_log');
    await q.query('DROP TABLE grant_minute');
  }
}
