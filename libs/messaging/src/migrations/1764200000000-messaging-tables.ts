import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbox, inbox and parking tables; every service that uses @hub/messaging includes this migration. */
export class MessagingTables1764200000000 implements MigrationInterface {
  name = 'MessagingTables1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_message (
        id uuid PRIMARY KEY,
        position bigserial NOT NULL,
        subject text NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        stream_sequence bigint
      )`);
    await q.query(`CREATE INDEX outbox_message_pending ON outbox_message (position) WHERE published_at IS NULL`);
    await q.query(`CREATE INDEX outbox_message_published ON outbox_message (published_at) WHERE published_at IS NOT NULL`);
    await q.query(`
      CREATE TABLE inbox_message (
        consumer text NOT NULL,
        message_id text NOT NULL,
        subject text NOT NULL,
        stream_sequence bigint NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )`);
    await q.query(`CREATE INDEX inbox_message_processed_at ON inbox_message (processed_at)`);
    await q.query(`
      CREATE TABLE parked_message (
        id uuid PRIMARY KEY,
        consumer text NOT NULL,
        stream text NOT NULL,
        subject text NOT NULL,
        stream_sequence bigint NOT NULL,
        message_id text NOT NULL,
        connection_id text,
        correlation_id text,
        headers jsonb NOT NULL,
        data text NOT NULL,
        error text NOT NULL,
        error_kind text NOT NULL,
        attempts int NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now(),
        redriven_at timestamptz,
        redrive_count int NOT NULL DEFAULT 0
      )`);
    await q.query(`CREATE INDEX parked_message_open ON parked_message (consumer, parked_at) WHERE redriven_at IS NULL`);
    await q.query(`CREATE UNIQUE INDEX parked_message_once ON parked_message (consumer, stream, stream_sequence)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE parked_message');
    await q.query('DROP TABLE inbox_message');
    await q.query('DROP TABLE outbox_message');
  }
}
