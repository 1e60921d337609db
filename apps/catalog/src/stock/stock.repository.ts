import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { StockProblemKind } from './stock-push.errors';

export interface StockNotice {
  connectionId: string;
  sku: string;
  tinyProductId: string;
  tinyCode?: string;
  /** Absent: the balance must be read from Tiny before the push. */
  value?: { balance: string; desired: number };
  sourceSeq: number;
  receivedAt: Date | null;
}

export type StockOutcome = 'accepted' | 'reread' | 'stale';

/** Why a SKU is queued without a value (Tiny is read before the push). */
export type RereadReason = 'order-imported' | 'sweep' | 'kit';

/**
 * A pending row queued for a SKU the hub has never heard of from Tiny (an imported order's code, no notification
 * yet): the pusher finds the product by its code, only if no notification names it first (ADR 0030).
 */
export const PRODUCT_TO_FIND = '';

export interface StockProductRef {
  sku: string;
  tinyCode: string | null;
  tinyProductId: string;
}

export interface PendingStock {
  connection_id: string;
  sku: string;
  tiny_product_id: string;
  desired_qty: number | null;
  /** bigint comes back as text. */
  source_seq: string;
  attempts: number;
  /** notification | reorder | order-imported | sweep */
  reason: string;
  /** When the gateway received the notification (epoch ms), for the latency journal. */
  received_ms: number | null;
  /** When the row was last queued or marked (epoch ms): `due` reads it; a re-read of Ideris newer than this is current. */
  noticed_ms?: number;
  /** When this copy of the row was read (Date.now()). */
  read_at?: number;
}

/** A push confirmed by Ideris (`pushed`, what it held before: `previous`), or a value Ideris already held. */
export interface FinishedStock {
  row: PendingStock;
  quantity: number;
  pushed: boolean;
  previous: number | null;
  /** When the pushed value was settled and sent (epoch ms; its slot came): `stock_state.pushed_at`. Now if absent. */
  sentAt?: number;
}

const rowKey = (connectionId: string, sku: string): string => `${connectionId.toLowerCase()}\u0000${sku}`;

/** The stock tables: pending work (one row per SKU), what Ideris holds, problems, and the push journal. */
/**
 * Compare-and-delete of a pending row ($1 connection, $2 SKU, $3 the quantity handled, $4 its source_seq): a newer
 * value that arrived during the push keeps the row, and is pushed next; so does a row an out-of-order notification
 * marked for a re-read from Tiny meanwhile (its value became NULL).
 */
const FINISH = `DELETE FROM stock_pending WHERE connection_id = $1 AND sku = $2 AND source_seq = $4 AND desired_qty IS NOT DISTINCT FROM $3::int`;

/**
 * Every SKU whose Tiny product is known for connection $1: learned by stock (notifications, searches by code) or
 * bound by the products sync (`product_binding`), so neither asks Tiny for what the other already knows.
 */
export const KNOWN_STOCK_PRODUCTS = `(
  SELECT sku, tiny_code, tiny_product_id FROM stock_product WHERE connection_id = $1
  UNION ALL
  SELECT b.sku, NULL, b.tiny_product_id FROM product_binding b
   WHERE b.connection_id = $1 AND b.tiny_product_id IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM stock_product p WHERE p.connection_id = b.connection_id AND p.sku = b.sku)
)`;

@Injectable()
export class StockRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records a notification against what was already seen for its SKU, in one transaction:
   * - newer than anything seen (by stream sequence): it becomes the SKU's pending value. When another
   *   notification of the SKU reached the gateway less than `reorderWindowMs` before or after it **with a
   *   different value**, Tiny may have delivered the two out of order, so its value is not trusted: the row is
   *   queued without a value and Tiny's balance is read before the push (`reread`). Two close notifications that
   *   carry the same value need no read: whichever came first, the SKU ends there. Once two close ones disagreed,
   *   the SKU stays in doubt for the window (`doubt_until`): a late retry of the older one is re-read too;
   * - older, but within that window of the latest one and with another value: the pair arrived out of order, so
   *   whatever value is pending (or was already pushed) may be the older one: the SKU is queued again without a
   *   value (`reread`);
   * - otherwise (older and outside the window, or older with the latest's value): it changes nothing (`stale`).
   * With `awaitFeedMs` (the connection reads Tiny's stock-change queue), a re-read waits for that queue, which
   * answers a hundred SKUs per call, up to `awaitFeedMs` (`awaiting-feed`), before the pusher reads the SKU alone.
   * The upsert on stock_seen locks the SKU's row and compares with the committed latest (not a snapshot), so
   * concurrent handlers of one SKU are ordered.
   */
  async coalesce(notice: StockNotice, reorderWindowMs: number, awaitFeedMs: number | null = null): Promise<StockOutcome> {
    return (await this.coalesceMany([{ ...notice, awaitFeedMs }], reorderWindowMs))[0]!;
  }

  /**
   * `coalesce` for many notifications in one statement (one round trip), each SKU at most once (the caller keeps
   * a SKU's later notifications for the next statement); the outcomes in the notices' order. Rows are written in
   * SKU order, so two batches that share SKUs (two replicas) take their locks in the same order.
   */
  async coalesceMany(notices: (StockNotice & { awaitFeedMs: number | null })[], reorderWindowMs: number): Promise<StockOutcome[]> {
    if (notices.length === 0) return [];
    const keys = new Set(notices.map((n) => rowKey(n.connectionId, n.sku)));
    if (keys.size !== notices.length) throw new Error('coalesceMany: a SKU appears twice in one batch');
    // One statement: the stock_seen upserts, then the pending rows they call for. The later INSERTs see the
    // first one's RETURNING (joined back to the input by connection and SKU), not its table changes, which is all
    // they need. Every `now()` is the statement's.
    const rows: { connection_id: string; sku: string; outcome: StockOutcome }[] = await this.dataSource.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::numeric[], $5::int[], $6::bigint[], $7::timestamptz[], $8::text[], $9::int[])
           AS t(connection_id, sku, tiny_product_id, balance, qty, seq, received_at, tiny_code, await_feed_ms)
       ),
       seen AS (
         INSERT INTO stock_seen (connection_id, sku, last_seq, last_received_at, last_qty)
         SELECT connection_id, sku, seq, coalesce(received_at, now()), qty FROM input ORDER BY connection_id, sku
         ON CONFLICT (connection_id, sku) DO UPDATE SET
           prev_seq = stock_seen.last_seq, prev_received_at = stock_seen.last_received_at, prev_qty = stock_seen.last_qty,
           last_seq = greatest(stock_seen.last_seq, EXCLUDED.last_seq),
           last_received_at = CASE WHEN EXCLUDED.last_seq > stock_seen.last_seq THEN EXCLUDED.last_received_at ELSE stock_seen.last_received_at END,
           last_qty = CASE WHEN EXCLUDED.last_seq > stock_seen.last_seq THEN EXCLUDED.last_qty ELSE stock_seen.last_qty END,
           -- two close notifications that disagree: the SKU's order is in doubt for the window after the later one
           doubt_until = CASE WHEN stock_seen.last_seq <> EXCLUDED.last_seq AND stock_seen.last_received_at IS NOT NULL
                               AND abs(extract(epoch FROM EXCLUDED.last_received_at - stock_seen.last_received_at)) * 1000 < $10
                               AND EXCLUDED.last_qty IS DISTINCT FROM stock_seen.last_qty
                              THEN greatest(stock_seen.doubt_until, greatest(EXCLUDED.last_received_at, stock_seen.last_received_at) + make_interval(secs => $10 / 1000.0))
                              ELSE stock_seen.doubt_until END
         RETURNING connection_id, sku, last_seq, last_received_at, prev_seq, prev_received_at, prev_qty, doubt_until
       ),
       judged AS (
         SELECT i.*, s.last_seq, s.last_received_at, s.prev_seq IS NULL OR s.prev_seq < i.seq AS newer,
           (s.prev_seq IS NOT NULL AND s.prev_seq <> i.seq AND s.prev_received_at IS NOT NULL
             AND abs(extract(epoch FROM coalesce(i.received_at, now()) - s.prev_received_at)) * 1000 < $10) AS close,
           (i.qty IS NOT NULL AND s.prev_qty = i.qty AND NOT coalesce(s.doubt_until > coalesce(i.received_at, now()), false)) AS agrees
           FROM input i JOIN seen s ON s.connection_id = i.connection_id AND s.sku = i.sku
       ),
       decision AS (
         SELECT *, CASE WHEN newer AND qty IS NOT NULL AND (NOT close OR agrees) THEN 'accepted'
                        WHEN newer OR (close AND last_seq <> seq AND NOT agrees) THEN 'reread'
                        ELSE 'stale' END AS outcome
           FROM judged
       ),
       product AS (
         -- which Tiny product the SKU is, for the reconciliation (imported orders name Tiny codes; the sweep reads Ideris SKUs)
         INSERT INTO stock_product (connection_id, sku, tiny_code, tiny_product_id)
         SELECT connection_id, sku, tiny_code, tiny_product_id FROM decision WHERE newer ORDER BY connection_id, sku
         ON CONFLICT (connection_id, sku) DO UPDATE SET tiny_code = coalesce(EXCLUDED.tiny_code, stock_product.tiny_code), tiny_product_id = EXCLUDED.tiny_product_id, updated_at = now()
         WHERE stock_product.tiny_product_id <> EXCLUDED.tiny_product_id OR stock_product.tiny_code IS DISTINCT FROM coalesce(EXCLUDED.tiny_code, stock_product.tiny_code)
       ),
       pending AS (
         INSERT INTO stock_pending (connection_id, sku, tiny_product_id, tiny_balance, desired_qty, source_seq, received_at, reason, next_attempt_at)
         SELECT connection_id, sku, tiny_product_id, CASE WHEN outcome = 'accepted' THEN balance END, CASE WHEN outcome = 'accepted' THEN qty END,
                CASE WHEN newer THEN seq ELSE last_seq END, CASE WHEN newer THEN received_at ELSE last_received_at END,
                CASE WHEN outcome = 'reread' AND await_feed_ms IS NOT NULL THEN 'awaiting-feed' WHEN newer THEN 'notification' ELSE 'reorder' END,
                CASE WHEN outcome = 'reread' AND await_feed_ms IS NOT NULL THEN now() + make_interval(secs => await_feed_ms / 1000.0) ELSE now() END
           FROM decision WHERE outcome <> 'stale' ORDER BY connection_id, sku
         ON CONFLICT (connection_id, sku) DO UPDATE SET tiny_product_id = EXCLUDED.tiny_product_id, tiny_balance = EXCLUDED.tiny_balance,
           desired_qty = EXCLUDED.desired_qty, source_seq = EXCLUDED.source_seq, received_at = EXCLUDED.received_at, noticed_at = now(), reason = EXCLUDED.reason,
           -- waiting for the stock-change queue holds the push back (never less than a backoff already set); a trusted value ends the wait
           -- a newer notification also ends an imported order's settling re-read (requestReread's settleMs), unless it is backing off after an error
           next_attempt_at = CASE WHEN EXCLUDED.reason = 'awaiting-feed' THEN greatest(stock_pending.next_attempt_at, EXCLUDED.next_attempt_at)
                                  WHEN stock_pending.reason = 'awaiting-feed' THEN EXCLUDED.next_attempt_at
                                  WHEN stock_pending.reason = 'order-imported' AND stock_pending.attempts = 0 AND stock_pending.source_seq < EXCLUDED.source_seq
                                    THEN least(stock_pending.next_attempt_at, EXCLUDED.next_attempt_at)
                                  ELSE stock_pending.next_attempt_at END
         WHERE stock_pending.source_seq < EXCLUDED.source_seq
            -- out of order (older than the latest, close to it): the pending value may be the older one; read Tiny instead
            OR (EXCLUDED.desired_qty IS NULL AND stock_pending.source_seq = EXCLUDED.source_seq)
       )
       SELECT connection_id, sku, outcome FROM decision`,
      [
        notices.map((n) => n.connectionId),
        notices.map((n) => n.sku),
        notices.map((n) => n.tinyProductId),
        notices.map((n) => n.value?.balance ?? null),
        notices.map((n) => n.value?.desired ?? null),
        notices.map((n) => n.sourceSeq),
        notices.map((n) => n.receivedAt),
        notices.map((n) => n.tinyCode ?? null),
        notices.map((n) => n.awaitFeedMs),
        reorderWindowMs,
      ],
    );
    const outcomes = new Map(rows.map((row) => [rowKey(row.connection_id, row.sku), row.outcome]));
    return notices.map((n) => {
      const outcome = outcomes.get(rowKey(n.connectionId, n.sku));
      if (!outcome) throw new Error(`coalesceMany: no outcome for ${n.sku}`);
      return outcome;
    });
  }

  /**
   * Queues SKUs to be checked against Tiny (their balance is read just before the push, which sends it only if
   * Ideris holds something else). A SKU already pending keeps its place and loses its value; one pending for a
   * newer notification is left alone, since that notification will be read or trusted on its own.
   *
   * `settleMs` (an imported order's re-read): the row waits that long before the push reads Tiny, and a newer
   * notification of the SKU meanwhile replaces it (its value trusted, pushed at once: `coalesceMany`), so the sale's
   * own notification usually makes the read unnecessary. It never shortens a wait already set.
   */
  async requestReread(connectionId: string, products: StockProductRef[], reason: RereadReason, settleMs = 0): Promise<number> {
    if (products.length === 0) return 0;
    // INSERT … RETURNING answers the rows themselves (only UPDATE and DELETE answer [rows, count]).
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO stock_pending (connection_id, sku, tiny_product_id, tiny_balance, desired_qty, source_seq, received_at, reason, next_attempt_at)
       SELECT $1, t.sku, t.tiny_product_id, NULL, NULL, coalesce(seen.last_seq, 0), now(), $4, now() + make_interval(secs => $5::float8 / 1000)
         FROM unnest($2::text[], $3::text[]) AS t(sku, tiny_product_id)
         LEFT JOIN stock_seen seen ON seen.connection_id = $1 AND seen.sku = t.sku
       ON CONFLICT (connection_id, sku) DO UPDATE SET tiny_balance = NULL, desired_qty = NULL, noticed_at = now(), reason = EXCLUDED.reason,
         next_attempt_at = greatest(stock_pending.next_attempt_at, EXCLUDED.next_attempt_at)
       WHERE stock_pending.source_seq <= EXCLUDED.source_seq
       RETURNING 1`,
      [connectionId, products.map((p) => p.sku), products.map((p) => p.tinyProductId), reason, settleMs],
    );
    return rows.length;
  }

  /** The product found by code for a row queued with `PRODUCT_TO_FIND`, unless a notification named it since. */
  async setPendingProduct(row: PendingStock, tinyProductId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE stock_pending SET tiny_product_id = $3 WHERE connection_id = $1 AND sku = $2 AND tiny_product_id = $4`,
      [row.connection_id, row.sku, tinyProductId, PRODUCT_TO_FIND],
    );
  }

  /** A row whose product Tiny does not have: nothing to read or push; it leaves the queue unless it changed meanwhile. */
  async dropUnknownProduct(row: PendingStock): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM stock_pending WHERE connection_id = $1 AND sku = $2 AND source_seq = $3 AND desired_qty IS NULL AND tiny_product_id = $4`,
      [row.connection_id, row.sku, row.source_seq, PRODUCT_TO_FIND],
    );
  }

  /** The Tiny products known for these Tiny codes (or Ideris SKUs: a SKU without a mapping is Tiny's code). */
  async productsByCode(connectionId: string, codes: string[]): Promise<StockProductRef[]> {
    const rows: { sku: string; tiny_code: string | null; tiny_product_id: string }[] = await this.dataSource.query(
      `SELECT sku, tiny_code, tiny_product_id FROM ${KNOWN_STOCK_PRODUCTS} known WHERE tiny_code = ANY($2::text[]) OR sku = ANY($2::text[])`,
      [connectionId, codes],
    );
    return rows.map((row) => ({ sku: row.sku, tinyCode: row.tiny_code, tinyProductId: row.tiny_product_id }));
  }

  async productsBySku(connectionId: string, skus: string[]): Promise<Map<string, StockProductRef>> {
    const rows: { sku: string; tiny_code: string | null; tiny_product_id: string }[] = await this.dataSource.query(
      `SELECT sku, tiny_code, tiny_product_id FROM ${KNOWN_STOCK_PRODUCTS} known WHERE sku = ANY($2::text[])`,
      [connectionId, skus],
    );
    return new Map(rows.map((row) => [row.sku, { sku: row.sku, tinyCode: row.tiny_code, tinyProductId: row.tiny_product_id }]));
  }

  /** A Tiny product found by its code (a search), remembered for the next time. */
  async rememberProduct(connectionId: string, product: StockProductRef): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO stock_product (connection_id, sku, tiny_code, tiny_product_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (connection_id, sku) DO UPDATE SET tiny_code = EXCLUDED.tiny_code, tiny_product_id = EXCLUDED.tiny_product_id, updated_at = now()`,
      [connectionId, product.sku, product.tinyCode, product.tinyProductId],
    );
  }

  /**
   * What a sweep read from Ideris replaces what the hub believed Ideris holds, unless a push recorded something
   * since the read began (that push is newer than the read).
   */
  async correctIderisQuantity(connectionId: string, sku: string, quantity: number, readStartedAt: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO stock_state (connection_id, sku, pushed_qty, known_from) VALUES ($1, $2, $3, 'ideris-read')
       ON CONFLICT (connection_id, sku) DO UPDATE SET pushed_qty = EXCLUDED.pushed_qty, known_from = 'ideris-read', updated_at = now()
       WHERE stock_state.updated_at < $4`,
      [connectionId, sku, quantity, readStartedAt],
    );
  }

  /** The row as it is now: a newer notification may have replaced the value since the batch was read. */
  async current(row: PendingStock): Promise<PendingStock | undefined> {
    const rows: PendingStock[] = await this.stamped(
      `SELECT connection_id, sku, tiny_product_id, desired_qty, source_seq, attempts, reason,
              (extract(epoch FROM received_at) * 1000)::float8 AS received_ms
         FROM stock_pending WHERE connection_id = $1 AND sku = $2`,
      [row.connection_id, row.sku],
    );
    return rows[0];
  }

  /** `current` for many rows in one round trip (each answer in the rows' order; undefined: no longer pending). */
  async currentMany(rows: Pick<PendingStock, 'connection_id' | 'sku'>[]): Promise<(PendingStock | undefined)[]> {
    if (rows.length === 0) return [];
    const found = await this.stamped(
      `SELECT p.connection_id, p.sku, p.tiny_product_id, p.desired_qty, p.source_seq, p.attempts, p.reason,
              (extract(epoch FROM p.received_at) * 1000)::float8 AS received_ms
         FROM stock_pending p JOIN unnest($1::uuid[], $2::text[]) AS t(connection_id, sku) ON p.connection_id = t.connection_id AND p.sku = t.sku`,
      [rows.map((row) => row.connection_id), rows.map((row) => row.sku)],
    );
    const byKey = new Map(found.map((row) => [rowKey(row.connection_id, row.sku), row]));
    // Each caller gets its own copy (a caller may keep it while another one's copy is read again).
    return rows.map((row) => {
      const hit = byKey.get(rowKey(row.connection_id, row.sku));
      return hit ? { ...hit } : undefined;
    });
  }

  private async stamped(text: string, params: unknown[]): Promise<PendingStock[]> {
    const rows: PendingStock[] = await this.dataSource.query(text, params);
    const now = Date.now();
    for (const row of rows) row.read_at = now;
    return rows;
  }

  async dueConnections(): Promise<string[]> {
    const rows: { connection_id: string }[] = await this.dataSource.query(`SELECT DISTINCT connection_id FROM stock_pending WHERE next_attempt_at <= now()`);
    return rows.map((row) => row.connection_id);
  }

  /** The oldest pending SKUs that are due, with the age of their latest notification. */
  async due(connectionId: string, limit: number): Promise<PendingStock[]> {
    return this.stamped(
      `SELECT connection_id, sku, tiny_product_id, desired_qty, source_seq, attempts, reason,
              (extract(epoch FROM received_at) * 1000)::float8 AS received_ms, (extract(epoch FROM noticed_at) * 1000)::float8 AS noticed_ms
         FROM stock_pending WHERE connection_id = $1 AND next_attempt_at <= now() ORDER BY queued_at, sku LIMIT $2`,
      [connectionId, limit],
    );
  }

  async knownQuantities(connectionId: string, skus: string[]): Promise<Map<string, number>> {
    return new Map([...(await this.knownStates(connectionId, skus))].map(([sku, state]) => [sku, state.quantity]));
  }

  /**
   * What the hub believes Ideris holds, and since when it is sure of it: when it sent that value itself (epoch ms; a
   * write is absolute, so a marketplace sale before it no longer counts). 0 when the belief comes from a read of
   * Ideris (or from before pushes were timed): never "sure since".
   */
  async knownStates(connectionId: string, skus: string[]): Promise<Map<string, { quantity: number; learnedMs: number }>> {
    const rows: { sku: string; pushed_qty: number; learned_ms: number | null }[] = await this.dataSource.query(
      `SELECT sku, pushed_qty, (extract(epoch FROM CASE WHEN known_from = 'push' THEN pushed_at END) * 1000)::float8 AS learned_ms
         FROM stock_state WHERE connection_id = $1 AND sku = ANY($2::text[])`,
      [connectionId, skus],
    );
    return new Map(rows.map((row) => [row.sku, { quantity: row.pushed_qty, learnedMs: row.learned_ms === null ? 0 : Number(row.learned_ms) }]));
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

  /**
   * The quantity read from Tiny for a row that needed it (or a kit counted from its components), kept only if the
   * row is still as it was read: no newer notification replaced it, no re-read mark landed on it.
   */
  async resolveFromTiny(row: PendingStock, balance: string, desired: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE stock_pending SET tiny_balance = $4::numeric, desired_qty = $5
        WHERE connection_id = $1 AND sku = $2 AND source_seq = $3 AND desired_qty IS NOT DISTINCT FROM $6::int`,
      [row.connection_id, row.sku, row.source_seq, balance, desired, row.desired_qty],
    );
  }

  /**
   * Ideris confirmed the value: remember it, journal it, clear any problem, and finish the pending row unless it
   * changed meanwhile. One statement, so one round trip and atomic.
   */
  async recordPushed(row: PendingStock, quantity: number, previous: number | null): Promise<void> {
    await this.dataSource.query(
      `WITH state AS (
         INSERT INTO stock_state (connection_id, sku, pushed_qty, pushed_seq, pushed_at, known_from) VALUES ($1, $2, $3, $4, now(), 'push')
         ON CONFLICT (connection_id, sku) DO UPDATE SET pushed_qty = EXCLUDED.pushed_qty, pushed_seq = EXCLUDED.pushed_seq,
           pushed_at = EXCLUDED.pushed_at, known_from = 'push', updated_at = now()
       ),
       journal AS (INSERT INTO stock_push_log (connection_id, sku, qty, previous_qty, source_seq, latency_ms) VALUES ($1, $2, $3, $5, $4, $6)),
       problem AS (DELETE FROM stock_problem WHERE connection_id = $1 AND sku = $2)
       ${FINISH}`,
      [row.connection_id, row.sku, quantity, row.source_seq, previous, row.received_ms === null ? null : Math.max(0, Math.round(Date.now() - row.received_ms))],
    );
  }

  /** Ideris already holds the value: nothing to send. */
  async recordUnchanged(row: PendingStock, desired: number): Promise<void> {
    await this.dataSource.query(
      `WITH state AS (UPDATE stock_state SET pushed_seq = greatest(pushed_seq, $4), updated_at = now() WHERE connection_id = $1 AND sku = $2),
       problem AS (DELETE FROM stock_problem WHERE connection_id = $1 AND sku = $2)
       ${FINISH}`,
      [row.connection_id, row.sku, desired, row.source_seq],
    );
  }

  /**
   * `recordPushed` (with `previous`) and `recordUnchanged` (without) for many rows, each SKU at most once, in one
   * statement (one round trip, atomic): what Ideris holds, the journal of the pushes, problems cleared, and each
   * pending row finished by compare-and-delete (a newer value stays pending).
   */
  async recordFinished(items: FinishedStock[]): Promise<void> {
    if (items.length === 0) return;
    const now = Date.now();
    await this.dataSource.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::bigint[], $5::boolean[], $6::int[], $7::int[], $8::float8[])
           AS t(connection_id, sku, qty, seq, pushed, previous, latency_ms, sent_ms)
       ),
       pushed_state AS (
         INSERT INTO stock_state (connection_id, sku, pushed_qty, pushed_seq, pushed_at, known_from)
         SELECT connection_id, sku, qty, seq, coalesce(to_timestamp(sent_ms / 1000.0), now()), 'push' FROM input WHERE pushed ORDER BY connection_id, sku
         ON CONFLICT (connection_id, sku) DO UPDATE SET pushed_qty = EXCLUDED.pushed_qty, pushed_seq = EXCLUDED.pushed_seq,
           pushed_at = EXCLUDED.pushed_at, known_from = 'push', updated_at = now()
       ),
       unchanged_state AS (
         UPDATE stock_state s SET pushed_seq = greatest(s.pushed_seq, i.seq), updated_at = now()
           FROM input i WHERE NOT i.pushed AND s.connection_id = i.connection_id AND s.sku = i.sku
       ),
       journal AS (
         INSERT INTO stock_push_log (connection_id, sku, qty, previous_qty, source_seq, latency_ms)
         SELECT connection_id, sku, qty, previous, seq, latency_ms FROM input WHERE pushed
       ),
       problem AS (DELETE FROM stock_problem p USING input i WHERE p.connection_id = i.connection_id AND p.sku = i.sku)
       DELETE FROM stock_pending p USING input i
        WHERE p.connection_id = i.connection_id AND p.sku = i.sku AND p.source_seq = i.seq AND p.desired_qty IS NOT DISTINCT FROM i.qty`,
      [
        items.map((item) => item.row.connection_id),
        items.map((item) => item.row.sku),
        items.map((item) => item.quantity),
        items.map((item) => item.row.source_seq),
        items.map((item) => item.pushed),
        items.map((item) => (item.pushed ? item.previous : null)),
        items.map((item) => (item.pushed && item.row.received_ms !== null ? Math.max(0, Math.round(now - item.row.received_ms)) : null)),
        items.map((item) => (item.pushed ? (item.sentAt ?? null) : null)),
      ],
    );
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
      await m.query(FINISH, [row.connection_id, row.sku, desired, row.source_seq]);
    });
  }

  async recordRetry(row: PendingStock, detail: string, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE stock_pending SET attempts = attempts + 1, last_error = $3, next_attempt_at = now() + make_interval(secs => $4::float8 / 1000)
        WHERE connection_id = $1 AND sku = $2`,
      [row.connection_id, row.sku, detail.slice(0, 1000), delayMs],
    );
  }


  async pruneJournal(keepDays: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM stock_push_log WHERE at < now() - make_interval(days => $1)`, [keepDays]);
  }
}
