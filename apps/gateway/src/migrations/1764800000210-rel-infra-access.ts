import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Scoped API keys (stored hashed), the audit log of admin writes, and a webhook secret's grace period. */
export class Access1764800000210 implements MigrationInterface {
  name = 'Access1764800000210';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_key (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        key_prefix text NOT NULL,
        rights text NOT NULL CHECK (rights IN ('read', 'write')),
        connection_ids uuid[],
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        method text NOT NULL,
        path text NOT NULL,
        connection_id uuid,
        status int NOT NULL,
        before jsonb,
        after jsonb,
        request jsonb
      )`);
    await q.query('CREATE INDEX audit_log_connection ON audit_log (connection_id, at DESC)');
    await q.query('CREATE INDEX audit_log_at ON audit_log (at DESC)');
    await q.query('ALTER TABLE connection ADD COLUMN previous_webhook_secret_sealed text, ADD COLUMN previous_webhook_secret_until timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE connection DROP COLUMN previous_webhook_secret_sealed, DROP COLUMN previous_webhook_secret_until');
    await q.query('DROP TABLE audit_log');
    await q.query('DROP TABLE api_key');
  }
}
