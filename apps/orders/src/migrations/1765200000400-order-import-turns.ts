import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-connection import turns (ADR 0031): an import job whose connection already has its share of imports in flight
 * on the replica is acknowledged and its order waits in `order_sync` instead, due at `deferred_at` (the job's
 * `trigger` kept in `deferred_trigger`), until a replica has a free turn for that connection. The partial index is
 * each connection's queue of waiting orders, and the sweep's list of connections with orders due.
 */
export class OrderImportTurns1765200000400 implements MigrationInterface {
  name = 'OrderImportTurns1765200000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE order_sync ADD COLUMN deferred_at timestamptz, ADD COLUMN deferred_trigger text');
    await q.query(`CREATE INDEX order_sync_deferred ON order_sync (connection_id, deferred_at) WHERE deferred_at IS NOT NULL AND state = 'discovered'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX order_sync_deferred');
    await q.query('ALTER TABLE order_sync DROP COLUMN deferred_at, DROP COLUMN deferred_trigger');
  }
}
