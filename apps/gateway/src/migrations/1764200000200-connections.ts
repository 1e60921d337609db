import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Connections1764200000200 implements MigrationInterface {
  name = 'Connections1764200000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connection (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        situation text NOT NULL CHECK (situation IN ('not_installed', 'not_configured', 'active', 'inactive')),
        cnpj text CHECK (cnpj ~ '^[0-9]{14}$'),
        tiny_integration_id int,
        tiny_base_url text NOT NULL,
        ideris_base_url text NOT NULL,
        tiny_token_sealed text,
        tiny_token_hint text,
        ideris_key_sealed text,
        ideris_key_hint text,
        webhook_secret_sealed text NOT NULL,
        settings jsonb NOT NULL DEFAULT '{}',
        last_verification jsonb,
        version int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE UNIQUE INDEX connection_name ON connection (lower(name))');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE connection');
  }
}
