import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tiny may deliver two notifications of one SKU out of order. stock_seen remembers when the gateway received
 * the SKU's latest notification (and, for the statement that just replaced them, the previous sequence and
 * time), so a notification arriving close to another one of the same SKU is treated as unreliable: its value is
 * re-read from Tiny at push time instead of trusted.
 */
export class StockFreshness1764200000503 implements MigrationInterface {
  name = 'StockFreshness1764200000503';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stock_seen ADD COLUMN last_received_at timestamptz, ADD COLUMN prev_seq bigint, ADD COLUMN prev_received_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stock_seen DROP COLUMN last_received_at, DROP COLUMN prev_seq, DROP COLUMN prev_received_at`);
  }
}
