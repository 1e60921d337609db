import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Ideris's two notification URLs per connection, sealed (they may carry a token), with a masked hint each. */
export class IderisNotificationUrls1764801500200 implements MigrationInterface {
  name = 'IderisNotificationUrls1764801500200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE connection
        ADD COLUMN ideris_invoice_url_sealed text,
        ADD COLUMN ideris_invoice_url_hint text,
        ADD COLUMN ideris_tracking_url_sealed text,
        ADD COLUMN ideris_tracking_url_hint text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE connection
        DROP COLUMN ideris_tracking_url_hint, DROP COLUMN ideris_tracking_url_sealed,
        DROP COLUMN ideris_invoice_url_hint, DROP COLUMN ideris_invoice_url_sealed`);
  }
}
