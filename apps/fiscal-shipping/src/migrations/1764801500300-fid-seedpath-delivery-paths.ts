import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which path (`notification_urls` | `ideris_api`) each invoice and tracking went by, so an unconfirmed send is
 * finished the way it started; an invoice's cancellation reported after it was sent; tracking codes replaced after
 * they were sent.
 */
export class DeliveryPaths1764801500300 implements MigrationInterface {
  name = 'DeliveryPaths1764801500300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE invoice_sync
        ADD COLUMN delivery_path text,
        ADD COLUMN cancel_state text,
        ADD COLUMN cancel_reason text,
        ADD COLUMN cancel_answer jsonb,
        ADD COLUMN cancel_sends int NOT NULL DEFAULT 0,
        ADD COLUMN cancel_reported_at timestamptz`);
    await q.query(`ALTER TABLE tracking_sync ADD COLUMN delivery_path text, ADD COLUMN replaced_codes jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tracking_sync DROP COLUMN replaced_codes, DROP COLUMN delivery_path');
    await q.query(`
      ALTER TABLE invoice_sync DROP COLUMN cancel_reported_at, DROP COLUMN cancel_sends, DROP COLUMN cancel_answer,
        DROP COLUMN cancel_reason, DROP COLUMN cancel_state, DROP COLUMN delivery_path`);
  }
}
