import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dashboard's freshness summary for every connection at once: the newest send per connection is an index
 * lookup, and the rows still open (a small part of each table) are counted from a partial index.
 */
export class FiscalWorkIndexes1764800000600 implements MigrationInterface {
  name = 'FiscalWorkIndexes1764800000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX invoice_sync_sent ON invoice_sync (connection_id, sent_at) WHERE sent_at IS NOT NULL`);
    await q.query(`CREATE INDEX invoice_sync_open ON invoice_sync (connection_id, updated_at) WHERE state <> 'sent' AND state <> 'ignored'`);
    await q.query(`CREATE INDEX tracking_sync_sent ON tracking_sync (connection_id, sent_at) WHERE sent_at IS NOT NULL`);
    await q.query(`CREATE INDEX tracking_sync_open ON tracking_sync (connection_id, updated_at) WHERE state <> 'sent' OR marker_state = 'failed'`);
    await q.query(`CREATE INDEX invoice_sync_access_key ON invoice_sync (access_key) WHERE access_key IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of ['invoice_sync_access_key', 'tracking_sync_open', 'tracking_sync_sent', 'invoice_sync_open', 'invoice_sync_sent']) await q.query(`DROP INDEX ${index}`);
  }
}
