import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Stock1764200000500 implements MigrationInterface {
  name = 'Stock1764200000500';

  async up(q: QueryRunner): Promise<void> {
    // At most one row per SKU: the latest value not yet in Ideris. source_seq is the notification's
    // position in TINY_NOTIFICATIONS, so a stale redelivery can never overwrite a newer value.
    await q.query(`
      CREATE TABLE stock_pending (
        connection_id uuid NOT NULL,
        sku text NOT NULL,
        tiny_product_id text NOT NULL,
        -- NULL balance and quantity: the notification did not carry the balance this connection sends; read it from Tiny
        tiny_balance numeric,
        desired_qty int,
        source_seq bigint NOT NULL,
        received_at timestamptz,
        noticed_at timestamptz NOT NULL DEFAULT now(),
        -- when this SKU first became pending: the push order, so a SKU that keeps changing is not starved
        queued_at timestamptz NOT NULL DEFAULT now(),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        PRIMARY KEY (connection_id, sku)
      )`);
    await q.query(`CREATE INDEX stock_pending_due ON stock_pending (connection_id, next_attempt_at, queued_at)`);
    await q.query(`
      CREATE TABLE stock_seen (
        connection_id uuid NOT NULL,
        sku text NOT NULL,
        last_seq bigint NOT NULL,
        PRIMARY KEY (connection_id, sku)
      )`);
    // What Ideris holds as far as the hub knows: its own last push, or a read of Ideris before the first push.
    await q.query(`
      CREATE TABLE stock_state (
        connection_id uuid NOT NULL,
        sku text NOT NULL,
        pushed_qty int NOT NULL,
        pushed_seq bigint NOT NULL DEFAULT 0,
        pushed_at timestamptz,
        known_from text NOT NULL CHECK (known_from IN ('push', 'ideris-read')),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, sku)
      )`);
    await q.query(`
      CREATE TABLE stock_problem (
        connection_id uuid NOT NULL,
        sku text NOT NULL,
        kind text NOT NULL,
        detail text NOT NULL,
        desired_qty int,
        source_seq bigint NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, sku)
      )`);
    await q.query(`
      CREATE TABLE stock_push_log (
        id bigserial PRIMARY KEY,
        connection_id uuid NOT NULL,
        sku text NOT NULL,
        qty int NOT NULL,
        previous_qty int,
        source_seq bigint NOT NULL,
        latency_ms int,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX stock_push_log_connection ON stock_push_log (connection_id, id DESC)`);
    // One pusher per connection across replicas; the lease lapses if its holder dies.
    await q.query(`
      CREATE TABLE stock_pusher_lease (
        connection_id uuid PRIMARY KEY,
        lease_holder text,
        lease_until timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['stock_pusher_lease', 'stock_push_log', 'stock_problem', 'stock_state', 'stock_seen', 'stock_pending']) await q.query(`DROP TABLE ${t}`);
  }
}
