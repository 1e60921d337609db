import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dashboard's freshness summary for every connection at once: the newest import per connection is an index
 * lookup, and the open and failed orders (a small part of the table) are counted from a partial index.
 */
export class OrdersWorkIndexes1764800000100 implements MigrationInterface {
  name = 'OrdersWorkIndexes1764800000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX order_sync_imported ON order_sync (connection_id, imported_at) WHERE imported_at IS NOT NULL`);
    await q.query(`CREATE INDEX order_sync_open ON order_sync (connection_id, updated_at) WHERE state <> 'imported' AND state <> 'cancelled_before_import'`);
    await q.query(`CREATE INDEX order_sync_marketplace_code_any ON order_sync (marketplace_order_code) WHERE marketplace_order_code IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX order_sync_marketplace_code_any');
    await q.query('DROP INDEX order_sync_open');
    await q.query('DROP INDEX order_sync_imported');
  }
}
