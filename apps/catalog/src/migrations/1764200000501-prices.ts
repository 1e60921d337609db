import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Prices1764200000501 implements MigrationInterface {
  name = 'Prices1764200000501';

  async up(q: QueryRunner): Promise<void> {
    // The drop guard's limit per connection (no row: 30 %).
    await q.query(`
      CREATE TABLE price_settings (
        connection_id uuid PRIMARY KEY,
        max_drop_percent numeric(5,2) NOT NULL CHECK (max_drop_percent BETWEEN 0 AND 100),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One rule per marketplace account ('default', or an Ideris authenticationId); no rows: no markup, no rounding.
    await q.query(`
      CREATE TABLE price_rule (
        connection_id uuid NOT NULL,
        marketplace text NOT NULL,
        markup_percent numeric(7,2) NOT NULL DEFAULT 0,
        fixed_addition_cents int NOT NULL DEFAULT 0,
        rounding text NOT NULL DEFAULT 'none' CHECK (rounding IN ('none', '90', '99', 'integer')),
        use_promotional boolean NOT NULL DEFAULT false,
        price_list_id text,
        listing_model_ids bigint[] NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, marketplace)
      )`);
    // Coalescing, as for stock: the newest stream sequence accepted per SKU, and at most one pending price per SKU.
    await q.query(`
      CREATE TABLE price_seen (
        connection_id uuid NOT NULL,
        sku text NOT NULL,
        last_seq bigint NOT NULL,
        PRIMARY KEY (connection_id, sku)
      )`);
    await q.query(`
      CREATE TABLE price_pending (
        connection_id uuid NOT NULL,
        sku text NOT NULL,
        tiny_price text NOT NULL,
        tiny_promotional_price text,
        source_seq bigint NOT NULL,
        received_at timestamptz,
        noticed_at timestamptz NOT NULL DEFAULT now(),
        queued_at timestamptz NOT NULL DEFAULT now(),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        PRIMARY KEY (connection_id, sku)
      )`);
    await q.query(`CREATE INDEX price_pending_due ON price_pending (connection_id, next_attempt_at, queued_at)`);
    // What each Ideris listing model holds as far as the hub knows: its last push, or a read before the first one.
    await q.query(`
      CREATE TABLE price_state (
        connection_id uuid NOT NULL,
        listing_model_id bigint NOT NULL,
        sku text NOT NULL,
        marketplace text NOT NULL,
        price_cents int NOT NULL,
        pushed_seq bigint NOT NULL DEFAULT 0,
        pushed_at timestamptz,
        known_from text NOT NULL CHECK (known_from IN ('push', 'ideris-read')),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, listing_model_id)
      )`);
    // Drops the guard refused. At most one pending per listing model: a newer price replaces it.
    await q.query(`
      CREATE TABLE price_pending_confirmation (
        id bigserial PRIMARY KEY,
        connection_id uuid NOT NULL,
        listing_model_id bigint NOT NULL,
        sku text NOT NULL,
        marketplace text NOT NULL,
        old_cents int NOT NULL,
        new_cents int NOT NULL,
        drop_percent numeric(6,2) NOT NULL,
        tiny_price text NOT NULL,
        tiny_promotional_price text,
        source_seq bigint NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected', 'superseded')),
        detail text,
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX price_confirmation_open ON price_pending_confirmation (connection_id, listing_model_id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX price_confirmation_connection ON price_pending_confirmation (connection_id, status, id DESC)`);
    await q.query(`
      CREATE TABLE price_problem (
        connection_id uuid NOT NULL,
        sku text NOT NULL,
        kind text NOT NULL,
        detail text NOT NULL,
        source_seq bigint NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, sku)
      )`);
    await q.query(`
      CREATE TABLE price_push_log (
        id bigserial PRIMARY KEY,
        connection_id uuid NOT NULL,
        sku text NOT NULL,
        listing_model_id bigint NOT NULL,
        marketplace text NOT NULL,
        price_cents int NOT NULL,
        previous_cents int,
        source_seq bigint NOT NULL,
        confirmation_id bigint,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX price_push_log_connection ON price_push_log (connection_id, id DESC)`);
    await q.query(`
      CREATE TABLE price_pusher_lease (
        connection_id uuid PRIMARY KEY,
        lease_holder text,
        lease_until timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['price_pusher_lease', 'price_push_log', 'price_problem', 'price_pending_confirmation', 'price_state', 'price_pending', 'price_seen', 'price_rule', 'price_settings']) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
