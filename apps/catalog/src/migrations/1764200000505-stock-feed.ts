import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tiny's stock-change queue (`lista.atualizacoes.estoque`) removes what it returns. `reading_started_at` is set
 * (and committed) before each read and cleared in the transaction that records what was read, so a read whose
 * records may have been lost by a crash is visible afterwards, and recovered by a full sweep.
 */
export class StockFeed1764200000505 implements MigrationInterface {
  name = 'StockFeed1764200000505';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stock_feed (
        connection_id uuid PRIMARY KEY,
        next_poll_at timestamptz NOT NULL DEFAULT now(),
        lease_holder text,
        lease_until timestamptz,
        since timestamptz NOT NULL DEFAULT now(),
        reading_started_at timestamptz,
        last_read_at timestamptz,
        records_total bigint NOT NULL DEFAULT 0,
        recoveries int NOT NULL DEFAULT 0,
        last_error text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE stock_feed`);
  }
}
