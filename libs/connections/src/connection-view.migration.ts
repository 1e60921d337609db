import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The local read model of connections, kept by every service from gateway.connection.changed.v1. */
export class ConnectionView1764200000100 implements MigrationInterface {
  name = 'ConnectionView1764200000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connection_view (
        id uuid PRIMARY KEY,
        version int NOT NULL,
        name text NOT NULL,
        situation text NOT NULL,
        cnpj text,
        tiny_integration_id int,
        tiny_base_url text NOT NULL,
        ideris_base_url text NOT NULL,
        settings jsonb NOT NULL,
        tiny_token_sealed text,
        ideris_key_sealed text,
        deleted boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX connection_view_active ON connection_view (id) WHERE situation = 'active' AND NOT deleted`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE connection_view');
  }
}
