import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Orders1764200000400 implements MigrationInterface {
  name = 'Orders1764200000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE order_sync (
        id uuid PRIMARY KEY,
        connection_id uuid NOT NULL,
        ideris_order_id bigint NOT NULL,
        marketplace text,
        marketplace_order_code text,
        ideris_status_id int,
        visible_at timestamptz,
        discovered_at timestamptz NOT NULL DEFAULT now(),
        -- business outcome: discovered, imported, needs_mapping, invalid, cancelled_before_import, refused
        state text NOT NULL DEFAULT 'discovered',
        -- the worker's own status, apart from the outcome: queued, running, done, gave_up
        work_status text NOT NULL DEFAULT 'queued',
        reason text,
        unknown_skus text[] NOT NULL DEFAULT '{}',
        skus text[] NOT NULL DEFAULT '{}',
        attempts int NOT NULL DEFAULT 0,
        -- attempt journal: set (and committed) before pedido.incluir is sent; an unknown outcome is searched first
        create_sent_at timestamptz,
        create_sends int NOT NULL DEFAULT 0,
        tiny_order_id text,
        tiny_order_number text,
        customer_document text,
        imported_at timestamptz,
        stock_posted_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (connection_id, ideris_order_id)
      )`);
    await q.query(`CREATE UNIQUE INDEX order_sync_marketplace_code ON order_sync (connection_id, marketplace, marketplace_order_code) WHERE marketplace_order_code IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX order_sync_tiny_order ON order_sync (connection_id, tiny_order_id) WHERE tiny_order_id IS NOT NULL`);
    await q.query(`CREATE INDEX order_sync_state ON order_sync (connection_id, state, discovered_at)`);
    await q.query(`
      CREATE TABLE order_history (
        id bigserial PRIMARY KEY,
        order_sync_id uuid NOT NULL REFERENCES order_sync (id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX order_history_order ON order_history (order_sync_id, id)`);
    await q.query(`
      CREATE TABLE poll_state (
        connection_id uuid PRIMARY KEY,
        watermark timestamptz,
        interval_ms int NOT NULL,
        next_poll_at timestamptz NOT NULL DEFAULT now(),
        last_poll_at timestamptz,
        last_sweep_at timestamptz,
        last_found int NOT NULL DEFAULT 0,
        polls bigint NOT NULL DEFAULT 0,
        lease_holder text,
        lease_until timestamptz,
        problems jsonb NOT NULL DEFAULT '[]'
      )`);
    await q.query(`
      CREATE TABLE sku_mapping (
        connection_id uuid NOT NULL,
        -- 'sku' for a marketplace SKU, 'listing' for a listing code used when the SKU is null
        kind text NOT NULL CHECK (kind IN ('sku', 'listing')),
        marketplace_value text NOT NULL,
        tiny_product_code text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, kind, marketplace_value)
      )`);
    await q.query(`
      CREATE TABLE customer (
        connection_id uuid NOT NULL,
        document text NOT NULL,
        name text,
        tiny_contact_id text,
        orders int NOT NULL DEFAULT 0,
        last_order_at timestamptz,
        PRIMARY KEY (connection_id, document)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['customer', 'sku_mapping', 'poll_state', 'order_history', 'order_sync']) await q.query(`DROP TABLE ${t}`);
  }
}
