import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consecutive failed attempts (an API error, an outage) per invoice and tracking row, reset by any outcome: a
 * failure is retried on its own short schedule, apart from the long one of a row waiting for its prerequisites.
 */
export class FailedAttempts1764200000601 implements MigrationInterface {
  name = 'FailedAttempts1764200000601';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE invoice_sync ADD COLUMN failures int NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE tracking_sync ADD COLUMN failures int NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tracking_sync DROP COLUMN failures');
    await q.query('ALTER TABLE invoice_sync DROP COLUMN failures');
  }
}
