import { Injectable } from '@nestjs/common';
import { DEFAULT_MAX_DROP_PERCENT, DEFAULT_PRICE_MARKETPLACE, type PriceConfirmationStatus, type PriceRounding, type PriceRuleV1 } from '@hub/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { DEFAULT_PRICE_RULE } from './domain/price-rule';
import type { PriceProblemKind } from './price-push.errors';

export interface PriceNotice {
  connectionId: string;
  sku: string;
  /** Tiny's own code of the product, to find it in Tiny when its price must be read. */
  tinyCode?: string;
  price: string;
  promotionalPrice: string | null;
  sourceSeq: number;
  receivedAt: Date | null;
}

export interface PendingPrice {
  connection_id: string;
  sku: string;
  tiny_code: string | null;
  /** NULL: the notification is not trusted (it reached the hub close to another of the SKU); Tiny is read at push time. */
  tiny_price: string | null;
  tiny_promotional_price: string | null;
  /** bigint comes back as text. */
  source_seq: string;
  attempts: number;
}

/** A pending price with the value it goes out with (the notification's, or Tiny's when it had to be read). */
export interface PricedPending extends PendingPrice {
  tiny_price: string;
}

export interface PriceRuleSet {
  maxDropPercent: number;
  rules: PriceRuleV1[];
}

export interface ConfirmationRow {
  id: string;
  connection_id: string;
  listing_model_id: string;
  sku: string;
  marketplace: string;
  old_cents: number;
  new_cents: number;
  drop_percent: string;
  tiny_price: string;
  tiny_promotional_price: string | null;
  source_seq: string;
  status: PriceConfirmationStatus;
  detail: string | null;
  created_at: Date;
  decided_at: Date | null;
}

interface RuleRow {
  marketplace: string;
  markup_percent: string;
  fixed_addition_cents: number;
  rounding: PriceRounding;
  use_promotional: boolean;
  price_list_id: string | null;
  listing_model_ids: string[];
}

/** A price the hub wrote to one listing model. */
export interface PushedPrice {
  listingModelId: number;
  marketplace: string;
  cents: number;
  previous: number | null;
  sourceSeq: string;
  confirmationId?: string;
}

/** The price tables: rules, pending work (one row per SKU), what Ideris holds, the guard's queue, problems, the journal. */
@Injectable()
export class PricesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records a notification against what was already seen for its SKU, in one statement — as for stock
   * (`StockRepository.coalesce`):
   * - newer than anything seen (by stream sequence): it becomes the SKU's pending price. When another notification
   *   of the SKU reached the gateway less than `reorderWindowMs` before or after it, Tiny may have delivered the two
   *   out of order (its retries come minutes later, after newer ones), so its price is not trusted: the row is
   *   queued without a price and the pusher reads Tiny's just before pushing (`reread`);
   * - older, but within that window of the latest one: whatever is pending (or was already pushed) may be the older
   *   price: the SKU is queued again without a price (`reread`);
   * - older and outside the window: a redelivery; it changes nothing (`stale`).
   */
  async coalesce(notice: PriceNotice, reorderWindowMs: number): Promise<'accepted' | 'reread' | 'stale'> {
    const rows: { outcome: 'accepted' | 'reread' | 'stale' }[] = await this.dataSource.query(
      `WITH seen AS (
         INSERT INTO price_seen (connection_id, sku, last_seq, last_received_at) VALUES ($1, $2, $5, coalesce($6::timestamptz, now()))
         ON CONFLICT (connection_id, sku) DO UPDATE SET
           prev_seq = price_seen.last_seq, prev_received_at = price_seen.last_received_at,
           last_seq = greatest(price_seen.last_seq, EXCLUDED.last_seq),
           last_received_at = CASE WHEN EXCLUDED.last_seq > price_seen.last_seq THEN EXCLUDED.last_received_at ELSE price_seen.last_received_at END
         RETURNING last_seq, last_received_at, prev_seq IS NULL OR prev_seq < $5 AS newer,
           (prev_seq IS NOT NULL AND prev_seq <> $5 AND prev_received_at IS NOT NULL
             AND abs(extract(epoch FROM coalesce($6::timestamptz, now()) - prev_received_at)) * 1000 < $7) AS close
       ),
       decision AS (
         SELECT *, CASE WHEN newer AND NOT close THEN 'accepted' WHEN newer OR (close AND last_seq <> $5) THEN 'reread' ELSE 'stale' END AS outcome
           FROM seen
       ),
       pending AS (
         INSERT INTO price_pending (connection_id, sku, tiny_code, tiny_price, tiny_promotional_price, source_seq, received_at)
         SELECT $1, $2, $8, CASE WHEN outcome = 'accepted' THEN $3 END, CASE WHEN outcome = 'accepted' THEN $4 END,
                CASE WHEN newer THEN $5 ELSE last_seq END, CASE WHEN newer THEN $6::timestamptz ELSE last_received_at END
           FROM decision WHERE outcome <> 'stale'
         ON CONFLICT (connection_id, sku) DO UPDATE SET tiny_code = coalesce(EXCLUDED.tiny_code, price_pending.tiny_code), tiny_price = EXCLUDED.tiny_price,
           tiny_promotional_price = EXCLUDED.tiny_promotional_price, source_seq = EXCLUDED.source_seq, received_at = EXCLUDED.received_at, noticed_at = now()
         WHERE price_pending.source_seq < EXCLUDED.source_seq
            -- out of order (older than the latest, close to it): the pending price may be the older one; read Tiny instead
            OR (EXCLUDED.tiny_price IS NULL AND price_pending.source_seq = EXCLUDED.source_seq)
       )
       SELECT outcome FROM decision`,
      [notice.connectionId, notice.sku, notice.price, notice.promotionalPrice, notice.sourceSeq, notice.receivedAt, reorderWindowMs, notice.tinyCode ?? null],
    );
    return rows[0]!.outcome;
  }

  async dueConnections(): Promise<string[]> {
    const rows: { connection_id: string }[] = await this.dataSource.query(`SELECT DISTINCT connection_id FROM price_pending WHERE next_attempt_at <= now()`);
    return rows.map((row) => row.connection_id);
  }

  async due(connectionId: string, limit: number): Promise<PendingPrice[]> {
    return this.dataSource.query(
      `SELECT connection_id, sku, tiny_code, tiny_price, tiny_promotional_price, source_seq, attempts
         FROM price_pending WHERE connection_id = $1 AND next_attempt_at <= now() ORDER BY queued_at, sku LIMIT $2`,
      [connectionId, limit],
    );
  }

  /** The connection's rules; the default rule (no markup, no rounding) when it never set one. */
  async rules(connectionId: string): Promise<PriceRuleSet> {
    const [settings, rows] = await Promise.all([
      this.dataSource.query(`SELECT max_drop_percent FROM price_settings WHERE connection_id = $1`, [connectionId]) as Promise<{ max_drop_percent: string }[]>,
      this.dataSource.query(
        `SELECT marketplace, markup_percent, fixed_addition_cents, rounding, use_promotional, price_list_id, listing_model_ids
           FROM price_rule WHERE connection_id = $1 ORDER BY marketplace <> $2, marketplace`,
        [connectionId, DEFAULT_PRICE_MARKETPLACE],
      ) as Promise<RuleRow[]>,
    ]);
    const rules: PriceRuleV1[] = rows.map((row) => ({
      marketplace: row.marketplace,
      markupPercent: Number(row.markup_percent),
      fixedAdditionCents: row.fixed_addition_cents,
      rounding: row.rounding,
      usePromotional: row.use_promotional,
      priceListId: row.price_list_id,
      listingModelIds: row.listing_model_ids.map(Number),
    }));
    if (!rules.some((rule) => rule.marketplace === DEFAULT_PRICE_MARKETPLACE)) rules.unshift({ ...DEFAULT_PRICE_RULE, listingModelIds: [] });
    return { maxDropPercent: settings[0] ? Number(settings[0].max_drop_percent) : DEFAULT_MAX_DROP_PERCENT, rules };
  }

  /** Replaces the whole rule set. Applies to prices pushed from now on (pending values are recomputed at push). */
  async putRules(connectionId: string, set: PriceRuleSet): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO price_settings (connection_id, max_drop_percent) VALUES ($1, $2)
         ON CONFLICT (connection_id) DO UPDATE SET max_drop_percent = EXCLUDED.max_drop_percent, updated_at = now()`,
        [connectionId, set.maxDropPercent],
      );
      await m.query(`DELETE FROM price_rule WHERE connection_id = $1`, [connectionId]);
      for (const rule of set.rules) {
        await m.query(
          `INSERT INTO price_rule (connection_id, marketplace, markup_percent, fixed_addition_cents, rounding, use_promotional, price_list_id, listing_model_ids)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::bigint[])`,
          [connectionId, rule.marketplace, rule.markupPercent, rule.fixedAdditionCents, rule.rounding, rule.usePromotional, rule.priceListId ?? null, rule.listingModelIds ?? []],
        );
      }
    });
  }

  async knownPrices(connectionId: string, listingModelIds: number[]): Promise<Map<number, number>> {
    const rows: { listing_model_id: string; price_cents: number }[] = await this.dataSource.query(
      `SELECT listing_model_id, price_cents FROM price_state WHERE connection_id = $1 AND listing_model_id = ANY($2::bigint[])`,
      [connectionId, listingModelIds],
    );
    return new Map(rows.map((row) => [Number(row.listing_model_id), row.price_cents]));
  }

  /** What a read of Ideris found; never overwrites what a push recorded. */
  async recordIderisPrice(connectionId: string, sku: string, listingModelId: number, marketplace: string, cents: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO price_state (connection_id, listing_model_id, sku, marketplace, price_cents, known_from) VALUES ($1, $2, $3, $4, $5, 'ideris-read')
       ON CONFLICT (connection_id, listing_model_id) DO NOTHING`,
      [connectionId, listingModelId, sku, marketplace, cents],
    );
  }

  /** Ideris confirmed the price: remember it, journal it, and close any drop still waiting for this listing model. */
  async recordPushed(connectionId: string, sku: string, pushed: PushedPrice): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO price_state (connection_id, listing_model_id, sku, marketplace, price_cents, pushed_seq, pushed_at, known_from) VALUES ($1, $2, $3, $4, $5, $6, now(), 'push')
         ON CONFLICT (connection_id, listing_model_id) DO UPDATE SET sku = EXCLUDED.sku, marketplace = EXCLUDED.marketplace, price_cents = EXCLUDED.price_cents,
           pushed_seq = EXCLUDED.pushed_seq, pushed_at = EXCLUDED.pushed_at, known_from = 'push', updated_at = now()`,
        [connectionId, pushed.listingModelId, sku, pushed.marketplace, pushed.cents, pushed.sourceSeq],
      );
      await m.query(
        `INSERT INTO price_push_log (connection_id, sku, listing_model_id, marketplace, price_cents, previous_cents, source_seq, confirmation_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [connectionId, sku, pushed.listingModelId, pushed.marketplace, pushed.cents, pushed.previous, pushed.sourceSeq, pushed.confirmationId ?? null],
      );
      if (pushed.confirmationId) {
        await m.query(`UPDATE price_pending_confirmation SET status = 'confirmed', decided_at = now() WHERE id = $1`, [pushed.confirmationId]);
      } else {
        await this.supersede(m, connectionId, pushed.listingModelId, 'a newer price was pushed');
      }
    });
  }

  /** Ideris already holds the price Tiny wants: a drop still waiting for it is moot. */
  async recordUnchanged(connectionId: string, listingModelId: number): Promise<void> {
    await this.supersede(this.dataSource.manager, connectionId, listingModelId, 'Ideris already holds the newer price');
  }

  /** Parks a drop the guard refused; a newer one replaces the pending one of the same listing model. */
  async park(row: PricedPending, park: { listingModelId: number; marketplace: string; oldCents: number; newCents: number; dropPercent: number }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO price_pending_confirmation (connection_id, listing_model_id, sku, marketplace, old_cents, new_cents, drop_percent, tiny_price, tiny_promotional_price, source_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (connection_id, listing_model_id) WHERE status = 'pending' DO UPDATE SET sku = EXCLUDED.sku, marketplace = EXCLUDED.marketplace,
         old_cents = EXCLUDED.old_cents, new_cents = EXCLUDED.new_cents, drop_percent = EXCLUDED.drop_percent, tiny_price = EXCLUDED.tiny_price,
         tiny_promotional_price = EXCLUDED.tiny_promotional_price, source_seq = EXCLUDED.source_seq, created_at = now()
       WHERE price_pending_confirmation.source_seq <= EXCLUDED.source_seq`,
      [row.connection_id, park.listingModelId, row.sku, park.marketplace, park.oldCents, park.newCents, park.dropPercent, row.tiny_price, row.tiny_promotional_price, row.source_seq],
    );
  }

  async confirmation(connectionId: string, id: string): Promise<ConfirmationRow | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const rows: ConfirmationRow[] = await this.dataSource.query(`SELECT * FROM price_pending_confirmation WHERE connection_id = $1 AND id = $2`, [connectionId, id]);
    return rows[0];
  }

  async confirmations(connectionId: string, status: PriceConfirmationStatus | 'all', limit: number): Promise<ConfirmationRow[]> {
    return this.dataSource.query(
      `SELECT * FROM price_pending_confirmation WHERE connection_id = $1 AND ($2 = 'all' OR status = $2) ORDER BY id DESC LIMIT $3`,
      [connectionId, status, limit],
    );
  }

  /** Rejects a pending drop: nothing is pushed. False when it is no longer pending. */
  async reject(connectionId: string, id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE price_pending_confirmation SET status = 'rejected', decided_at = now(), detail = 'rejected by an operator'
        WHERE connection_id = $1 AND id = $2 AND status = 'pending' RETURNING 1`,
      [connectionId, id],
    );
    return rows.length > 0;
  }

  async recordProblem(row: PendingPrice, kind: PriceProblemKind, detail: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO price_problem (connection_id, sku, kind, detail, source_seq) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (connection_id, sku) DO UPDATE SET kind = EXCLUDED.kind, detail = EXCLUDED.detail, source_seq = EXCLUDED.source_seq, at = now()`,
        [row.connection_id, row.sku, kind, detail.slice(0, 1000), row.source_seq],
      );
      await this.finish(m, row);
    });
  }

  /** Every listing model of the SKU was handled (pushed, unchanged or parked): clear its problem and finish the row. */
  async recordDone(row: PendingPrice): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(`DELETE FROM price_problem WHERE connection_id = $1 AND sku = $2`, [row.connection_id, row.sku]);
      await this.finish(m, row);
    });
  }

  async recordRetry(row: PendingPrice, detail: string, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE price_pending SET attempts = attempts + 1, last_error = $3, next_attempt_at = now() + make_interval(secs => $4::float8 / 1000)
        WHERE connection_id = $1 AND sku = $2`,
      [row.connection_id, row.sku, detail.slice(0, 1000), delayMs],
    );
  }

  async problems(connectionId: string): Promise<{ sku: string; kind: string; detail: string; at: Date }[]> {
    return this.dataSource.query(`SELECT sku, kind, detail, at FROM price_problem WHERE connection_id = $1 ORDER BY at DESC LIMIT 200`, [connectionId]);
  }

  async pruneJournal(keepDays: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM price_push_log WHERE at < now() - make_interval(days => $1)`, [keepDays]);
  }

  /**
   * Compare-and-delete on what was taken: a newer price that arrived during the push keeps the row, and so does a
   * mark for a Tiny read that an out-of-order notification left meanwhile (its price became NULL); either goes next.
   */
  private async finish(m: EntityManager, row: PendingPrice): Promise<void> {
    await m.query(`DELETE FROM price_pending WHERE connection_id = $1 AND sku = $2 AND source_seq = $3 AND tiny_price IS NOT DISTINCT FROM $4`, [
      row.connection_id, row.sku, row.source_seq, row.tiny_price,
    ]);
  }

  private async supersede(m: EntityManager, connectionId: string, listingModelId: number, detail: string): Promise<void> {
    await m.query(
      `UPDATE price_pending_confirmation SET status = 'superseded', decided_at = now(), detail = $3 WHERE connection_id = $1 AND listing_model_id = $2 AND status = 'pending'`,
      [connectionId, listingModelId, detail],
    );
  }
}
