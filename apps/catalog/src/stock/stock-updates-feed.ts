import { Injectable } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { ConnectionDirectory, ConnectionPollLoop } from '@hub/connections';
import { ConnectionClients } from '@hub/integrations';
import { counter } from '@hub/platform';
import { TinyApiError, TinyProductsApi, type TinyStockUpdateRecord } from '@hub/tiny';
import { DataSource } from 'typeorm';
import { balanceOfKind, desiredQuantity } from './domain/stock-rule';
import { StockPusher } from './stock-pusher';

const feedRecords = counter(
  'hub_catalog_stock_feed_records_total',
  "Records read from Tiny's stock-change queue, by outcome: queued, pending (already on its way); settled: SKUs in doubt settled by a complete read",
  ['outcome'],
);
const feedRecoveries = counter('hub_catalog_stock_feed_recoveries_total', 'Reads of the stock-change queue that did not finish (their records may be lost): a full sweep was started instead');

export const STOCK_FEED = {
  everyMs: 60_000,
  /** A connection without the setting is looked at again this often (the setting may be switched on). */
  idleEveryMs: 5 * 60_000,
  retryAfterMs: 60_000,
  /** Pages per run (each removes up to 100 records from Tiny's queue). */
  maxPages: 20,
  leaseMs: 2 * 60_000,
  /** A SKU in doubt brings the next read forward to this soon (at most one wake-up per connection this often). */
  wakeWithinMs: 2_000,
};

interface FeedClaim {
  since: Date;
  reading_started_at: Date | null;
}

/**
 * Tiny's stock-change queue (`lista.atualizacoes.estoque`), read every minute for connections with
 * `settings.stockUpdatesFeed`. Tiny removes what it returns, so a page is read only after a marker is committed,
 * and its records are queued in the transaction that clears the marker. A marker found set at the next run
 * means a read died between Tiny's answer and that commit: its records cannot be read again, so a full sweep
 * of the connection (every SKU compared with Tiny) starts at once instead, and nothing is lost.
 */
@Injectable()
export class StockUpdatesFeed extends ConnectionPollLoop<FeedClaim> {
  constructor(dataSource: DataSource, directory: ConnectionDirectory, private readonly clients: ConnectionClients, private readonly pusher: StockPusher) {
    super(dataSource, directory, { name: 'stock-feed', stateTable: 'stock_feed', claimColumns: 'since, reading_started_at', leaseMs: STOCK_FEED.leaseMs, switchEnv: 'CATALOG_STOCK_FEED', tickMs: 5_000, flow: 'stock' });
  }

  private readonly wokenAt = new Map<string, number>();

  /**
   * A SKU waits for the queue (its notifications disagreed): the connection's next read comes within
   * `wakeWithinMs`, whichever replica holds it. Debounced per connection, so a burst costs one update per interval.
   */
  async wake(connectionId: string): Promise<void> {
    const now = Date.now();
    if (now - (this.wokenAt.get(connectionId) ?? 0) < STOCK_FEED.wakeWithinMs) return;
    this.wokenAt.set(connectionId, now);
    await this.dataSource.query(
      `UPDATE stock_feed SET next_poll_at = least(next_poll_at, now() + make_interval(secs => $2)) WHERE connection_id = $1`,
      [connectionId, STOCK_FEED.wakeWithinMs / 1000],
    );
  }

  protected async ensureStateRow(connectionId: string): Promise<void> {
    await this.dataSource.query(`INSERT INTO stock_feed (connection_id) VALUES ($1) ON CONFLICT DO NOTHING`, [connectionId]);
  }

  protected async poll(connectionId: string, claim: FeedClaim): Promise<void> {
    let nextInMs = STOCK_FEED.everyMs;
    try {
      if (claim.reading_started_at) await this.recover(connectionId, claim.reading_started_at);
      const { tiny, connection } = await this.clients.forActive(connectionId);
      if (!connection.settings.stockUpdatesFeed) {
        nextInMs = STOCK_FEED.idleEveryMs;
      } else {
        const api = new TinyProductsApi(tiny);
        let readStartedAt: Date | undefined;
        for (let page = 0; page < STOCK_FEED.maxPages; page += 1) {
          const [[{ started }]] = (await this.dataSource.query(`UPDATE stock_feed SET reading_started_at = now() WHERE connection_id = $1 RETURNING reading_started_at AS started`, [
            connectionId,
          ])) as [[{ started: Date }], number];
          const { records, remainingPages } = await runInLane('bulk', () => api.readStockUpdates(new Date(claim.since)));
          readStartedAt ??= started;
          await this.record(connectionId, records, connection.settings);
          if (remainingPages === 0) {
            await this.settleDoubts(connectionId, readStartedAt);
            break;
          }
        }
      }
      await this.dataSource.query(`UPDATE stock_feed SET last_error = NULL WHERE connection_id = $1`, [connectionId]);
    } catch (error) {
      nextInMs = STOCK_FEED.retryAfterMs;
      const message = error instanceof TinyApiError ? error.message : (error as Error).message;
      this.logger.warn({ msg: 'stock-change queue read failed', connectionId, err: message });
      // A failed call returned nothing to lose; clear the marker only if Tiny answered with an error.
      await this.dataSource.query(
        `UPDATE stock_feed SET last_error = $2, reading_started_at = CASE WHEN $3 THEN NULL ELSE reading_started_at END WHERE connection_id = $1`,
        [connectionId, message.slice(0, 1000), error instanceof TinyApiError && error.kind !== 'transient'],
      );
    } finally {
      await this.dataSource.query(`UPDATE stock_feed SET next_poll_at = now() + make_interval(secs => $2), lease_holder = NULL, lease_until = NULL WHERE connection_id = $1`, [
        connectionId,
        nextInMs / 1000,
      ]);
    }
  }

  /**
   * The records of one page, queued (unless the SKU is already pending), what they say kept per SKU
   * (`stock_feed_value`), and the marker cleared, in one transaction.
   */
  private async record(connectionId: string, records: TinyStockUpdateRecord[], settings: { stockType: 'physical' | 'available'; safetyBuffer: number }): Promise<void> {
    const values = records.map((record) => {
      const balance = balanceOfKind(record, settings.stockType);
      return { productId: record.productId, code: record.sku ?? '', balance, desired: desiredQuantity(balance, settings.safetyBuffer) };
    });
    const queued = await this.dataSource.transaction(async (m) => {
      const rows: unknown[] = await m.query(
        `WITH feed AS (
           SELECT t.product_id, coalesce(p.sku, nullif(t.code, '')) AS sku, t.balance, t.desired
             FROM unnest($2::text[], $3::text[], $4::numeric[], $5::int[]) AS t(product_id, code, balance, desired)
             LEFT JOIN LATERAL (SELECT sku FROM stock_product WHERE connection_id = $1 AND tiny_product_id = t.product_id LIMIT 1) p ON true
         )
         INSERT INTO stock_pending (connection_id, sku, tiny_product_id, tiny_balance, desired_qty, source_seq, received_at, reason)
         SELECT $1, f.sku, f.product_id, f.balance, f.desired, coalesce(seen.last_seq, 0), now(), 'feed'
           FROM feed f LEFT JOIN stock_seen seen ON seen.connection_id = $1 AND seen.sku = f.sku
          WHERE f.sku IS NOT NULL
         ON CONFLICT (connection_id, sku) DO NOTHING
         RETURNING 1`,
        [connectionId, values.map((v) => v.productId), values.map((v) => v.code), values.map((v) => v.balance), values.map((v) => v.desired)],
      );
      await m.query(
        `INSERT INTO stock_feed_value (connection_id, sku, tiny_balance, desired_qty, read_at)
         SELECT DISTINCT ON (sku) $1, sku, balance, desired, now() FROM (
           SELECT coalesce(p.sku, nullif(t.code, '')) AS sku, t.balance, t.desired, t.n
             FROM unnest($2::text[], $3::text[], $4::numeric[], $5::int[]) WITH ORDINALITY AS t(product_id, code, balance, desired, n)
             LEFT JOIN LATERAL (SELECT sku FROM stock_product WHERE connection_id = $1 AND tiny_product_id = t.product_id LIMIT 1) p ON true
         ) f WHERE sku IS NOT NULL ORDER BY sku, n DESC
         ON CONFLICT (connection_id, sku) DO UPDATE SET tiny_balance = EXCLUDED.tiny_balance, desired_qty = EXCLUDED.desired_qty, read_at = EXCLUDED.read_at`,
        [connectionId, values.map((v) => v.productId), values.map((v) => v.code), values.map((v) => v.balance), values.map((v) => v.desired)],
      );
      await m.query(
        `UPDATE stock_feed SET reading_started_at = NULL, last_read_at = now(), records_total = records_total + $2 WHERE connection_id = $1`,
        [connectionId, records.length],
      );
      return rows.length;
    });
    feedRecords.inc({ outcome: 'queued' }, queued);
    feedRecords.inc({ outcome: 'pending' }, records.length - queued);
    if (queued > 0) this.pusher.wake(connectionId);
  }

  /**
   * ASSUMPTION (docs/contracts.md#tiny-lista-atualizacoes-estoque): a record's `saldo` is the balance when read.
   * After a complete read of the queue (no pages left): Tiny's queue lists every change, so each SKU's latest
   * record (this read's, or an earlier one's when it has not changed since) is its balance now. The SKUs waiting
   * for the queue (`awaiting-feed`) since before this read began take that balance and go at once; one noticed
   * after the read began, or never seen in the queue, keeps waiting (the next read, or its own read at the deadline).
   */
  private async settleDoubts(connectionId: string, readStartedAt: Date): Promise<void> {
    const [settled] = (await this.dataSource.query(
      `UPDATE stock_pending p SET tiny_balance = v.tiny_balance, desired_qty = v.desired_qty, reason = 'feed', next_attempt_at = now()
         FROM stock_feed_value v
        WHERE p.connection_id = $1 AND p.reason = 'awaiting-feed' AND p.noticed_at < $2 AND v.connection_id = p.connection_id AND v.sku = p.sku
        RETURNING 1`,
      [connectionId, readStartedAt],
    )) as [unknown[], number];
    feedRecords.inc({ outcome: 'settled' }, settled.length);
    if (settled.length > 0) this.pusher.wake(connectionId);
  }

  /** A read that never recorded its records: they are gone from Tiny's queue, so every SKU is compared now. */
  private async recover(connectionId: string, startedAt: Date): Promise<void> {
    feedRecoveries.inc();
    this.logger.warn({ msg: "a read of Tiny's stock-change queue did not finish; starting a full stock sweep to recover what it consumed", connectionId, readStartedAt: startedAt });
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO stock_sweep (connection_id, next_poll_at, next_offset) VALUES ($1, now(), 0)
         ON CONFLICT (connection_id) DO UPDATE SET next_poll_at = now(), next_offset = 0, checked = 0, corrected = 0, pass_started_at = NULL`,
        [connectionId],
      );
      await m.query(`UPDATE stock_feed SET reading_started_at = NULL, recoveries = recoveries + 1 WHERE connection_id = $1`, [connectionId]);
      // What the queue said can no longer be taken as Tiny's balance now: a change may be among the lost records.
      await m.query(`DELETE FROM stock_feed_value WHERE connection_id = $1`, [connectionId]);
    });
  }
}
