import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Re-reads only where the order of a SKU's notifications is really in doubt: stock_seen keeps the value (the
 * quantity for Ideris) its latest notification carried, so two close notifications that say the same thing are
 * trusted, and `doubt_until`, so once two close notifications disagreed every one of that SKU inside the window
 * is re-read (a late retry of the older one cannot win). A re-read may wait for Tiny's stock-change queue
 * (`awaiting-feed` rows with `next_attempt_at` as the deadline) where the connection reads it; `stock_feed_value`
 * keeps what the queue last said of each SKU, its balance for as long as the queue does not list it again.
 */
export class StockDoubt1764900000501 implements MigrationInterface {
  name = 'StockDoubt1764900000501';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stock_seen ADD COLUMN last_qty int, ADD COLUMN prev_qty int, ADD COLUMN doubt_until timestamptz`);
    await q.query(`CREATE INDEX stock_pending_awaiting_feed ON stock_pending (connection_id) WHERE reason = 'awaiting-feed'`);
    // Each SKU's latest record in Tiny's stock-change queue: its balance until the queue lists it again.
    await q.query(`
      CREATE TABLE stock_feed_value (
        connection_id uuid NOT NULL,
        sku text NOT NULL,
        tiny_balance numeric NOT NULL,
        desired_qty int NOT NULL,
        read_at timestamptz NOT NULL,
        PRIMARY KEY (connection_id, sku)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE stock_feed_value`);
    await q.query(`DROP INDEX stock_pending_awaiting_feed`);
    await q.query(`ALTER TABLE stock_seen DROP COLUMN last_qty, DROP COLUMN prev_qty, DROP COLUMN doubt_until`);
  }
}
