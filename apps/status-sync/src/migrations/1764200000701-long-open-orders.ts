import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders open longer than the status feed's search window are read one by one, least recently checked first
 * (`ideris_checked_at`); lapsed writes are found by their pending deadline.
 */
export class LongOpenOrders1764200000701 implements MigrationInterface {
  name = 'LongOpenOrders1764200000701';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_status ADD COLUMN ideris_checked_at timestamptz`);
    await q.query(`CREATE INDEX order_status_checked ON order_status (connection_id, ideris_checked_at NULLS FIRST, imported_at)`);
    await q.query(`CREATE INDEX order_status_pending ON order_status (connection_id, pending_until) WHERE pending_side IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX order_status_pending');
    await q.query('DROP INDEX order_status_checked');
    await q.query('ALTER TABLE order_status DROP COLUMN ideris_checked_at');
  }
}
