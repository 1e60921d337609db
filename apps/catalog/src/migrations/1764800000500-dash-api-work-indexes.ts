import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The dashboard's product freshness per connection: newest sync by index, open products from a partial index. */
export class CatalogWorkIndexes1764800000500 implements MigrationInterface {
  name = 'CatalogWorkIndexes1764800000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX product_sync_synced ON product_sync (connection_id, synced_at) WHERE synced_at IS NOT NULL`);
    await q.query(`CREATE INDEX product_sync_open ON product_sync (connection_id, updated_at) WHERE state <> 'synced'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX product_sync_open');
    await q.query('DROP INDEX product_sync_synced');
  }
}
