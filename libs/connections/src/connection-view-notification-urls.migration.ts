import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The two URLs Ideris support gives a seller for Tiny's `nota_fiscal` and `rastreio` notifications, sealed as the
 * gateway sealed them (they may carry a token); opened only where the delivery is made.
 */
export class ConnectionViewNotificationUrls1764801500100 implements MigrationInterface {
  name = 'ConnectionViewNotificationUrls1764801500100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connection_view ADD COLUMN ideris_invoice_url_sealed text, ADD COLUMN ideris_tracking_url_sealed text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE connection_view DROP COLUMN ideris_tracking_url_sealed, DROP COLUMN ideris_invoice_url_sealed');
  }
}
