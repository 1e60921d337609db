import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Products1764200000502 implements MigrationInterface {
  name = 'Products1764200000502';

  async up(q: QueryRunner): Promise<void> {
    // One row per SKU the hub knows (a product, each of its variations, a kit): its ids on both sides.
    // `root_sku` is the product a variation belongs to (itself for the others).
    await q.query(`
      CREATE TABLE product_binding (
        connection_id uuid NOT NULL,
        sku text NOT NULL,
        root_sku text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('simple', 'parent', 'variation', 'kit')),
        tiny_product_id text,
        tiny_id_mapeamento text,
        ideris_sku_id bigint,
        ideris_listing_model_id bigint,
        ideris_variant_id bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, sku)
      )`);
    // One Tiny product is one SKU here: a second SKU claiming it is refused (reported to Tiny as an error item).
    await q.query(`CREATE UNIQUE INDEX product_binding_tiny ON product_binding (connection_id, tiny_product_id) WHERE tiny_product_id IS NOT NULL`);
    await q.query(`CREATE INDEX product_binding_root ON product_binding (connection_id, root_sku)`);
    // Kit composition by SKU, from whichever side described the kit last (kit stock is the minimum over these).
    await q.query(`
      CREATE TABLE product_kit_component (
        connection_id uuid NOT NULL,
        kit_sku text NOT NULL,
        component_sku text NOT NULL,
        quantity numeric(18,4) NOT NULL CHECK (quantity > 0),
        source text NOT NULL CHECK (source IN ('tiny', 'ideris')),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, kit_sku, component_sku)
      )`);
    await q.query(`CREATE INDEX product_kit_component_by_component ON product_kit_component (connection_id, component_sku)`);
    // Sync state per product (root SKU): the work asked (direction + payload), the fingerprints of what each side
    // holds as far as the hub knows (and of a write announced before its call), the create journal, retries.
    await q.query(`
      CREATE TABLE product_sync (
        connection_id uuid NOT NULL,
        sku text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('simple', 'parent', 'kit')),
        direction text CHECK (direction IN ('to-ideris', 'to-tiny')),
        state text NOT NULL DEFAULT 'synced' CHECK (state IN ('pending', 'writing', 'waiting', 'synced', 'failed')),
        payload jsonb,
        revision bigint NOT NULL DEFAULT 0,
        tiny_seq bigint NOT NULL DEFAULT 0,
        import_id bigint,
        tiny_fingerprint text,
        tiny_fingerprint_from text CHECK (tiny_fingerprint_from IN ('tiny', 'hub')),
        tiny_pending_fingerprint text,
        ideris_fingerprint text,
        ideris_fingerprint_from text CHECK (ideris_fingerprint_from IN ('ideris', 'hub')),
        ideris_pending_fingerprint text,
        tiny_create_sent_at timestamptz,
        ideris_create_sent_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        claimed_until timestamptz,
        waiting_for text,
        last_outcome text,
        last_error text,
        last_error_at timestamptz,
        queued_at timestamptz NOT NULL DEFAULT now(),
        synced_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, sku)
      )`);
    await q.query(`CREATE INDEX product_sync_due ON product_sync (connection_id, direction, next_attempt_at) WHERE state IN ('pending', 'waiting', 'writing')`);
    await q.query(`CREATE INDEX product_sync_import ON product_sync (import_id) WHERE import_id IS NOT NULL`);
    // What happened to each product, both ways (kept 30 days).
    await q.query(`
      CREATE TABLE product_sync_log (
        id bigserial PRIMARY KEY,
        connection_id uuid NOT NULL,
        sku text NOT NULL,
        direction text,
        outcome text NOT NULL,
        detail text,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX product_sync_log_sku ON product_sync_log (connection_id, sku, id DESC)`);
    // Imports from Ideris: one running per connection; the listing-model walk resumes from `cursor`.
    await q.query(`
      CREATE TABLE product_import (
        id bigserial PRIMARY KEY,
        connection_id uuid NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('admin', 'schedule')),
        skus text[],
        state text NOT NULL DEFAULT 'discovering' CHECK (state IN ('discovering', 'writing', 'done', 'failed')),
        cursor int NOT NULL DEFAULT 0,
        discovered int NOT NULL DEFAULT 0,
        queued int NOT NULL DEFAULT 0,
        unchanged int NOT NULL DEFAULT 0,
        skipped int NOT NULL DEFAULT 0,
        created int NOT NULL DEFAULT 0,
        updated int NOT NULL DEFAULT 0,
        failed int NOT NULL DEFAULT 0,
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX product_import_running ON product_import (connection_id) WHERE state IN ('discovering', 'writing')`);
    await q.query(`CREATE INDEX product_import_connection ON product_import (connection_id, id DESC)`);
    await q.query(`
      CREATE TABLE product_import_schedule (
        connection_id uuid PRIMARY KEY,
        next_run_at timestamptz NOT NULL
      )`);
    for (const table of ['product_push_lease', 'product_import_lease']) {
      await q.query(`
        CREATE TABLE ${table} (
          connection_id uuid PRIMARY KEY,
          lease_holder text,
          lease_until timestamptz
        )`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['product_import_lease', 'product_push_lease', 'product_import_schedule', 'product_import', 'product_sync_log', 'product_sync', 'product_kit_component', 'product_binding']) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
