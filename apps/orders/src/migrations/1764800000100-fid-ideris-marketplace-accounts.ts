import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-marketplace selection: the seller's Ideris marketplace accounts as the operator chose them, and each order's account. */
export class MarketplaceAccounts1764800000100 implements MigrationInterface {
  name = 'MarketplaceAccounts1764800000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE marketplace_account (
        connection_id uuid NOT NULL,
        account_id bigint NOT NULL,
        marketplace text,
        name text,
        state text NOT NULL DEFAULT 'not_chosen' CHECK (state IN ('enabled', 'disabled', 'not_chosen')),
        tiny_integration_id bigint,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, account_id)
      )`);
    await q.query('ALTER TABLE order_sync ADD COLUMN ideris_account_id bigint, ADD COLUMN reason_code text');
    await q.query(`CREATE INDEX order_sync_skipped ON order_sync (connection_id, ideris_account_id) WHERE state = 'skipped'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX order_sync_skipped');
    await q.query('ALTER TABLE order_sync DROP COLUMN ideris_account_id, DROP COLUMN reason_code');
    await q.query('DROP TABLE marketplace_account');
  }
}
