import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An invoice (or its cancellation report) waiting for an operator to fix the connection's notification URL carries a
 * stable reason code (`url_missing`, `url_rejected`, `url_unauthorised`), as tracking already does.
 */
export class UrlConfiguration1764849100100 implements MigrationInterface {
  name = 'UrlConfiguration1764849100100';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE invoice_sync ADD COLUMN reason_code text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE invoice_sync DROP COLUMN reason_code');
  }
}
