import { Injectable } from '@nestjs/common';
import { DEFAULT_MAX_DROP_PERCENT, DEFAULT_PRICE_MARKETPLACE, type PriceConfirmationStatus, type PriceRounding, type PriceRuleV1 } from '@hub/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { DEFAULT_PRICE_RULE } from './domain/price-rule';
import type { PriceProblemKind } from './price-push.errors';

export interface PriceNotice {
  connectionId: string;
  sku: string;
  price: string;
  promotionalPrice: string | null;
  sourceSeq: number;
  receivedAt: Date | null;
}

export interface PendingPrice {
  connection_id: string;
  sku: string;
  tiny_price: string;
  tiny_promotional_price: string | null;
  /** bigint comes back as text. */
  source_seq: string;
  attempts: number;
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

  /** As for stock: recorded only if newer (by stream sequence) than anything seen for the SKU. */
  async coalesce(notice: PriceNotice): Promise<'accepted' | 'stale'> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH seen AS (
         INSERT INTO price_seen (connection_id, sku, last_seq) VALUES ($1, $2, $5)
         ON CONFLICT (connection_id, sku) DO UPDATE SET last_seq = EXCLUDED.last_seq WHERE price_seen.last_seq < EXCLUDED.last_seq
         RETURNING 1
       )
       INSERT INTO price_pending (connection_id, sku, tiny_price, tiny_promotional_price, source_seq, received_at)
       SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM seen)
       ON CONFLICT (connection_id, sku) DO UPDATE SET tiny_price = EXCLUDED.tiny_price, tiny_promotional_price = EXCLUDED.tiny_promotional_price,
         source_seq = EXCLUDED.source_seq, received_at = EXCLUDED.received_at, noticed_at = now()
       WHERE price_pending.source_seq < EXCLUDED.source_seq
       RETURNING 1`,
      [notice.connectionId, notice.sku, notice.price, notice.promotionalPrice, notice.sourceSeq, notice.receivedAt],
    );
    return rows.length > 0 ? 'accepted' : 'stale';
  }

  async dueConnections(): Promise<string[]> {
    const rows: { connection_id: string }[] = await this.dataSource.query(`SELECT DISTINCT connection_id FROM price_pending WHERE next_attempt_at <= now()`);
    return rows.map((row) => row.connection_id);
  }

  async due(connectionId: string, limit: number): Promise<PendingPrice[]> {
    return this.dataSource.query(
      `SELECT connection_id, sku, tiny_price, tiny_promotional_price, source_seq, attempts
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
  async park(row: PendingPrice, park: { listingModelId: number; marketplace: string; oldCents: number; newCents: number; dropPercent: number }): Promise<void> {
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

  /** Compare-and-delete: a newer price that arrived during the push keeps the row, and is handled next. */
  private async finish(m: EntityManager, row: PendingPrice): Promise<void> {
    await m.query(`DELETE FROM price_pending WHERE connection_id = $1 AND sku = $2 AND source_seq = $3`, [row.connection_id, row.sku, row.source_seq]);
  }

  private async supersede(m: EntityManager, connectionId: string, listingModelId: number, detail: string): Promise<void> {
    await m.query(
      `UPDATE price_pending_confirmation SET status = 'superseded', decided_at = now(), detail = $3 WHERE connection_id = $1 AND listing_model_id = $2 AND status = 'pending'`,
      [connectionId, listingModelId, detail],
    );
  }
}
