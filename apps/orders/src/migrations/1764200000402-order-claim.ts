import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A short, renewed claim on an order while a worker imports it, so two deliveries never import it at once. */
export class OrderClaim1764200000402 implements MigrationInterface {
  name = 'OrderClaim1764200000402';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE order_sync ADD COLUMN claimed_by text, ADD COLUMN claimed_until timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE order_sync DROP COLUMN claimed_by, DROP COLUMN claimed_until');
  }
}
