import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { StockProblemKind } from './stock-push.errors';

export interface StockNotice {
  connectionId: string;
  sku: string;
  tinyProductId: string;
  /** Absent: the balance must be read from Tiny before the push. */
  value?: { balance: string; desired: number };
  sourceSeq: number;
  receivedAt: Date | null;
}

export interface PendingStock {
  connection_id: string;
  sku: string;
  tiny_product_id: string;
  desired_qty: number | null;
  /** bigint comes back as text. */
  source_seq: string;
  attempts: number;
  latency_ms: number | null;
}

/** The stock tables: pending work (one row per SKU), what Ideris holds, problems, and the push journal. */
@Injectable()
export class StockRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records a notification if it is newer than anything seen for its SKU. stock_seen and stock_pending are
   * both guarded by the stream sequence, and the row lock on stock_seen orders concurrent handlers of one
   * SKU: whichever commits second re-checks against the first and loses if it is older.
   */
  async coalesce(notice: StockNotice): Promise<'accepted' | 'stale'> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH seen AS (
         INSERT INTO stock_seen (connection_id, sku, last_seq) VALUES ($1, $2, $6)
         ON CONFLICT (connection_id, sku) DO UPDATE SET last_seq = EXCLUDED.last_seq WHERE stock_seen.last_seq < EXCLUDED.last_seq
         RETURNING 1
       )
       INSERT INTO stock_pending (connection_id, sku, tiny_product_id, tiny_balance, desired_qty, source_seq, received_at)
       SELECT $1, $2, $3, $4::numeric, $5::int, $6, $7 WHERE EXISTS (SELECT 1 FROM seen)
       ON CONFLICT (connection_id, sku) DO UPDATE SET tiny_product_id = EXCLUDED.tiny_product_id, tiny_balance = EXCLUDED.tiny_balance,
         desired_qty = EXCLUDED.desired_qty, source_seq = EXCLUDED.source_seq, received_at = EXCLUDED.received_at, noticed_at = now()
       WHERE stock_pending.source_seq < EXCLUDED.source_seq
       RETURNING 1`,
      [notice.connectionId, notice.sku, notice.tinyProductId, notice.value?.balance ?? null, notice.value?.desired ?? null, notice.sourceSeq, notice.receivedAt],
    );
    return rows.length > 0 ? 'accepted' : 'stale';
  }

  /** The row as it is now: a newer notification may have replaced the value since the batch was read. */
  async current(row: PendingStock): Promise<PendingStock | undefined> {
    const rows: PendingStock[] = await this.dataSource.query(
      `SELECT connection_id, sku, tiny_product_id, desired_qty, source_seq, attempts,
              (extract(epoch FROM clock_timestamp() - received_at) * 1000)::int AS latency_ms
         FROM stock_pending WHERE connection_id = $1 AND sku = $2`,
      [row.connection_id, row.sku],
    );
    return rows[0];
  }

  async dueConnections(): Promise<string[]> {
    const rows: { connection_id: string }[] = await this.dataSource.query(`SELECT DISTINCT connection_id FROM stock_pending WHERE next_attempt_at <= now()`);
    return rows.map((row) => row.connection_id);
  }

  /** The oldest pending SKUs that are due, with the age of their latest notification. */
  async due(connectionId: string, limit: number): Promise<PendingStock[]> {
    return this.dataSource.query(
      `SELECT connection_id, sku, tiny_product_id, desired_qty, source_seq, attempts,
              (extract(epoch FROM clock_timestamp() - received_at) * 1000)::int AS latency_ms
         FROM stock_pending WHERE connection_id = $1 AND next_attempt_at <= now() ORDER BY queued_at, sku LIMIT $2`,
      [connectionId, limit],
    );
  }

  async knownQuantities(connectionId: string, skus: string[]): Promise<Map<string, number>> {
    const rows: { sku: string; pushed_qty: number }[] = await this.dataSource.query(
      `SELECT sku, pushed_qty FROM stock_state WHERE connection_id = $1 AND sku = ANY($2::text[])`,
      [connectionId, skus],
    );
    return new Map(rows.map((row) => [row.sku, row.pushed_qty]));
  }

  /** What a read of Ideris found; never overwrites what a push recorded. */
  async recordIderisQuantities(connectionId: string, quantities: Map<string, number>): Promise<void> {
    if (quantities.size === 0) return;
    await this.dataSource.query(
      `INSERT INTO stock_state (connection_id, sku, pushed_qty, known_from)
       SELECT $1, sku, qty, 'ideris-read' FROM unnest($2::text[], $3::int[]) AS t(sku, qty)
       ON CONFLICT (connection_id, sku) DO NOTHING`,
      [connectionId, [...quantities.keys()], [...quantities.values()]],
    );
  }

  /** The quantity read from Tiny for a row that needed it, kept only if no newer notification replaced the row. */
  async resolveFromTiny(row: PendingStock, balance: string, desired: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE stock_pending SET tiny_balance = $4::numeric, desired_qty = $5 WHERE connection_id = $1 AND sku = $2 AND source_seq = $3`,
      [row.connection_id, row.sku, row.source_seq, balance, desired],
    );
  }

  /** Ideris confirmed the value: remember it, journal it, clear any problem, and finish the pending row unless it changed meanwhile. */
  async recordPushed(row: PendingStock, quantity: number, previous: number | null): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO stock_state (connection_id, sku, pushed_qty, pushed_seq, pushed_at, known_from) VALUES ($1, $2, $3, $4, now(), 'push')
         ON CONFLICT (connection_id, sku) DO UPDATE SET pushed_qty = EXCLUDED.pushed_qty, pushed_seq = EXCLUDED.pushed_seq,
           pushed_at = EXCLUDED.pushed_at, known_from = 'push', updated_at = now()`,
        [row.connection_id, row.sku, quantity, row.source_seq],
      );
      await m.query(
        `INSERT INTO stock_push_log (connection_id, sku, qty, previous_qty, source_seq, latency_ms) VALUES ($1, $2, $3, $4, $5, $6)`,
        [row.connection_id, row.sku, quantity, previous, row.source_seq, row.latency_ms],
      );
      await m.query(`DELETE FROM stock_problem WHERE connection_id = $1 AND sku = $2`, [row.connection_id, row.sku]);
      await this.finish(m, row);
    });
  }

  /** Ideris already holds the value: nothing to send. */
  async recordUnchanged(row: PendingStock): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(`UPDATE stock_state SET pushed_seq = greatest(pushed_seq, $3), updated_at = now() WHERE connection_id = $1 AND sku = $2`, [row.connection_id, row.sku, row.source_seq]);
      await m.query(`DELETE FROM stock_problem WHERE connection_id = $1 AND sku = $2`, [row.connection_id, row.sku]);
      await this.finish(m, row);
    });
  }

  /** A refusal retrying cannot fix: visible as a problem, and the SKU leaves the queue until a newer value arrives. */
  async recordProblem(row: PendingStock, kind: StockProblemKind, detail: string, desired: number | null): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO stock_problem (connection_id, sku, kind, detail, desired_qty, source_seq) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (connection_id, sku) DO UPDATE SET kind = EXCLUDED.kind, detail = EXCLUDED.detail, desired_qty = EXCLUDED.desired_qty,
           source_seq = EXCLUDED.source_seq, at = now()`,
        [row.connection_id, row.sku, kind, detail.slice(0, 1000), desired, row.source_seq],
      );
      await this.finish(m, row);
    });
  }

  async recordRetry(row: PendingStock, detail: string, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE stock_pending SET attempts = attempts + 1, last_error = $3, next_attempt_at = now() + make_interval(secs => $4::float8 / 1000)
        WHERE connection_id = $1 AND sku = $2`,
      [row.connection_id, row.sku, detail.slice(0, 1000), delayMs],
    );
  }

  /** Compare-and-delete: a newer value that arrived during the push keeps the row, and is pushed next. */
  private async finish(m: EntityManager, row: PendingStock): Promise<void> {
    await m.query(`DELETE FROM stock_pending WHERE connection_id = $1 AND sku = $2 AND source_seq = $3`, [row.connection_id, row.sku, row.source_seq]);
  }

  async pruneJournal(keepDays: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM stock_push_log WHERE at < now() - make_interval(days => $1)`, [keepDays]);
  }
}
