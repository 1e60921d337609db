import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StatusSync1764200000700 implements MigrationInterface {
  name = 'StatusSync1764200000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE order_status (
        id bigserial PRIMARY KEY,
        connection_id uuid NOT NULL,
        ideris_order_id bigint NOT NULL,
        tiny_order_id text NOT NULL,
        imported_at timestamptz NOT NULL DEFAULT now(),
        tiny_situation text,
        -- stream sequence of the notification that set tiny_situation: orders the two delivery outcomes
        tiny_sequence bigint,
        ideris_status_id int,
        -- write-ahead: committed before the call, cleared on confirmation; lapses if its writer dies
        pending_side text,
        pending_value text,
        pending_until timestamptz,
        last_written_side text,
        last_written_value text,
        last_written_at timestamptz,
        attention_reason text,
        attention_at timestamptz,
        attention_resolution text,
        attention_resolved_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (connection_id, ideris_order_id)
      )`);
    await q.query(`CREATE UNIQUE INDEX order_status_tiny_order ON order_status (connection_id, tiny_order_id)`);
    await q.query(`CREATE INDEX order_status_attention ON order_status (connection_id) WHERE attention_reason IS NOT NULL AND attention_resolved_at IS NULL`);
    await q.query(`
      CREATE TABLE order_status_event (
        id bigserial PRIMARY KEY,
        order_status_id bigint NOT NULL REFERENCES order_status (id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT now(),
        -- wrote-tiny, wrote-ideris, tiny-change, ideris-change, needs-attention, resolved
        kind text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX order_status_event_order ON order_status_event (order_status_id, id)`);
    await q.query(`
      CREATE TABLE status_map (
        connection_id uuid PRIMARY KEY,
        map jsonb NOT NULL,
        -- default: built from the Ideris catalogue; operator: sent through the admin API
        source text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE status_poll_state (
        connection_id uuid PRIMARY KEY,
        next_poll_at timestamptz NOT NULL DEFAULT now(),
        lease_holder text,
        lease_until timestamptz,
        last_poll_at timestamptz,
        polls int NOT NULL DEFAULT 0,
        last_seen int NOT NULL DEFAULT 0,
        last_calls int NOT NULL DEFAULT 0,
        problems jsonb NOT NULL DEFAULT '[]'
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE status_poll_state');
    await q.query('DROP TABLE status_map');
    await q.query('DROP TABLE order_status_event');
    await q.query('DROP TABLE order_status');
  }
}
