import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FiscalShipping1764200000600 implements MigrationInterface {
  name = 'FiscalShipping1764200000600';

  async up(q: QueryRunner): Promise<void> {
    // Read model of the orders this hub imported (from orders.order.imported.v1): the only orders whose
    // invoices and tracking go to Ideris.
    await q.query(`
      CREATE TABLE order_binding (
        connection_id uuid NOT NULL,
        ideris_order_id bigint NOT NULL,
        tiny_order_id text NOT NULL,
        tiny_order_number text,
        marketplace_order_code text,
        bound_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, ideris_order_id)
      )`);
    await q.query(`CREATE INDEX order_binding_tiny_order ON order_binding (connection_id, tiny_order_id)`);
    await q.query(`CREATE INDEX order_binding_marketplace_code ON order_binding (connection_id, marketplace_order_code) WHERE marketplace_order_code IS NOT NULL`);

    // One row per Tiny invoice: its unique key makes a duplicated notification find the invoice already sent.
    // claimed_by/claimed_until: one worker at a time sends it (notification, scheduler and admin may race).
    await q.query(`
      CREATE TABLE invoice_sync (
        id bigserial PRIMARY KEY,
        connection_id uuid NOT NULL,
        tiny_invoice_id text NOT NULL,
        tiny_order_id text,
        marketplace_order_code text,
        ideris_order_id bigint,
        state text NOT NULL DEFAULT 'received',
        reason text,
        number text,
        series text,
        access_key text,
        issued_at timestamptz,
        value_cents bigint,
        danfe_url text,
        xml_bytes int,
        tiny_situation int,
        ideris_answer jsonb,
        notifications int NOT NULL DEFAULT 0,
        sends int NOT NULL DEFAULT 0,
        claimed_by text,
        claimed_until timestamptz,
        next_check_at timestamptz,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (connection_id, tiny_invoice_id)
      )`);
    await q.query(`CREATE INDEX invoice_sync_order ON invoice_sync (connection_id, tiny_order_id)`);
    await q.query(`CREATE INDEX invoice_sync_due ON invoice_sync (next_check_at) WHERE next_check_at IS NOT NULL`);

    // One row per Tiny order: tracking goes to Ideris once per order.
    await q.query(`
      CREATE TABLE tracking_sync (
        id bigserial PRIMARY KEY,
        connection_id uuid NOT NULL,
        tiny_order_id text NOT NULL,
        tiny_invoice_id text,
        marketplace_order_code text,
        ideris_order_id bigint,
        state text NOT NULL DEFAULT 'received',
        reason_code text,
        reason text,
        tracking_code text,
        tracking_url text,
        carrier text,
        shipping_method text,
        freight_service text,
        grouping_id text,
        grouping_type text,
        -- what the last rastreio notification said, used when Tiny's expedition leaves a field empty
        notice jsonb,
        ideris_answer jsonb,
        notifications int NOT NULL DEFAULT 0,
        checks int NOT NULL DEFAULT 0,
        sends int NOT NULL DEFAULT 0,
        claimed_by text,
        claimed_until timestamptz,
        next_check_at timestamptz,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        marker_state text,
        marker_error text,
        marker_attempts int NOT NULL DEFAULT 0,
        marked_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (connection_id, tiny_order_id)
      )`);
    await q.query(`CREATE INDEX tracking_sync_due ON tracking_sync (next_check_at) WHERE next_check_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tracking_sync');
    await q.query('DROP TABLE invoice_sync');
    await q.query('DROP TABLE order_binding');
  }
}
