import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The dashboard's status freshness per connection: the newest confirmed write is an index lookup. */
export class StatusWorkIndexes1764800000700 implements MigrationInterface {
  name = 'StatusWorkIndexes1764800000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX order_status_written ON order_status (connection_id, last_written_at) WHERE last_written_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX order_status_written');
  }
}
