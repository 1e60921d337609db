import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The Ideris order as first read: retries reuse it instead of spending another Ideris call. */
export class OrderDetailCache1764200000401 implements MigrationInterface {
  name = 'OrderDetailCache1764200000401';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE order_sync ADD COLUMN ideris_detail jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE order_sync DROP COLUMN ideris_detail');
  }
}
