import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reconciliation backstop: which Tiny product each stock SKU is (learned from notifications, or found by
 * code), why a SKU is pending, and the per-connection sweep that compares Ideris with Tiny from a cursor.
 */
export class StockReconciliation1764200000504 implements MigrationInterface {
  name = 'StockReconciliation1764200000504';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stock_product (
        connection_id uuid NOT NULL,
        -- the SKU Ideris knows (skuMapeamento, else Tiny's code): stock_pending's key
        sku text NOT NULL,
        tiny_code text,
        tiny_product_id text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, sku)
      )`);
    await q.query(`CREATE INDEX stock_product_code ON stock_product (connection_id, tiny_code)`);
    // notification | reorder (re-read: maybe delivered out of order) | order-imported | sweep
    await q.query(`ALTER TABLE stock_pending ADD COLUMN reason text NOT NULL DEFAULT 'notification'`);
    await q.query(`
      CREATE TABLE stock_sweep (
        connection_id uuid PRIMARY KEY,
        next_poll_at timestamptz NOT NULL DEFAULT now(),
        lease_holder text,
        lease_until timestamptz,
        -- the Ideris SKU page the next step reads
        next_offset int NOT NULL DEFAULT 0,
        pass int NOT NULL DEFAULT 0,
        pass_started_at timestamptz,
        checked int NOT NULL DEFAULT 0,
        corrected int NOT NULL DEFAULT 0,
        last_pass_finished_at timestamptz,
        last_pass_checked int,
        last_pass_corrected int,
        last_error text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE stock_sweep`);
    await q.query(`ALTER TABLE stock_pending DROP COLUMN reason`);
    await q.query(`DROP TABLE stock_product`);
  }
}
