import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tiny retries a `precos` notification it could not deliver minutes later, after any newer one of the SKU, and its
 * payload carries no version. As for stock, price_seen remembers when the gateway received the SKU's latest
 * notification (and, for the statement that just replaced them, the previous sequence and time): a price arriving
 * close to another one of the SKU is not trusted, and Tiny's price is read at push time instead (tiny_price NULL),
 * finding the Tiny product by its code (tiny_code) when the hub does not know it yet.
 */
export class PriceFreshness1764900000500 implements MigrationInterface {
  name = 'PriceFreshness1764900000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE price_seen ADD COLUMN last_received_at timestamptz, ADD COLUMN prev_seq bigint, ADD COLUMN prev_received_at timestamptz`);
    await q.query(`ALTER TABLE price_pending ALTER COLUMN tiny_price DROP NOT NULL, ADD COLUMN tiny_code text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM price_pending WHERE tiny_price IS NULL`);
    await q.query(`ALTER TABLE price_pending ALTER COLUMN tiny_price SET NOT NULL, DROP COLUMN tiny_code`);
    await q.query(`ALTER TABLE price_seen DROP COLUMN last_received_at, DROP COLUMN prev_seq, DROP COLUMN prev_received_at`);
  }
}
