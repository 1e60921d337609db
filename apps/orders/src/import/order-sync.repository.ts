import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { OUTBOX_NOTIFY } from '@hub/messaging';
import { releasingClaim, returningRows, WorkClaims, type Claim, type ClaimColumns } from '@hub/work';
import { DataSource, type EntityManager } from 'typeorm';
import type { MarketplaceAccountRow } from '../marketplaces/marketplace-account.repository';
import type { SkuMappingRow } from '../sku-mapping/sku-mapping.service';

export type OrderState = 'discovered' | 'imported' | 'needs_mapping' | 'invalid' | 'cancelled_before_import' | 'refused' | 'skipped';
export type WorkStatus = 'queued' | 'running' | 'done' | 'gave_up';

export interface OrderSyncRow {
  id: string;
  connection_id: string;
  ideris_order_id: string;
  marketplace: string | null;
  marketplace_order_code: string | null;
  ideris_status_id: number | null;
  visible_at: Date | null;
  discovered_at: Date;
  state: OrderState;
  work_status: WorkStatus;
  reason: string | null;
  unknown_skus: string[];
  skus: string[];
  attempts: number;
  create_sent_at: Date | null;
  create_sends: number;
  tiny_order_id: string | null;
  tiny_order_number: string | null;
  customer_document: string | null;
  imported_at: Date | null;
  stock_posted_at: Date | null;
  updated_at: Date;
  ideris_detail: Record<string, unknown> | null;
  /** The Ideris marketplace account (`authenticationId`) the order came through. */
  ideris_account_id: string | null;
  /** Stable code of `reason` where one exists (e.g. `marketplace_not_selected`). */
  reason_code: string | null;
  /** Waiting for a turn of its connection's imports (ADR 0031), due at this time; no JetStream job carries it. */
  deferred_at: Date | null;
  /** The trigger of the job that left the order waiting (`operator` reads the Ideris order afresh). */
  deferred_trigger: string | null;
}

/** An order waiting for its connection's turn, as a turn takes it. */
export interface DeferredOrder {
  iderisOrderId: number;
  trigger: string;
}

export interface DiscoveredOrder {
  connectionId: string;
  iderisOrderId: number;
  marketplace?: string;
  marketplaceOrderCode?: string;
  iderisStatusId?: number;
  visibleAt?: Date;
  cancelled: boolean;
  iderisAccountId?: number;
  /** Not imported: its marketplace account is off or not chosen. */
  skipped?: { reasonCode: string; reason: string };
}

/** How long an import's claim on an order lasts without renewal (renewed every third of it while it works). */
export const CLAIM_MS = 20_000;

/** States an import job has nothing left to do in. */
export const SETTLED_STATES = `state IN ('imported', 'cancelled_before_import', 'skipped')`;

/** An import's claim on its order, as `claimForImport` took it: the holder and the row as the claim left it. */
export type ImportClaim = Claim<OrderSyncRow>;

/** Where `order_sync` keeps an import's claim (`WorkClaims`). */
export const IMPORT_CLAIM_COLUMNS: ClaimColumns = { table: 'order_sync', key: 'id', holder: 'claimed_by', until: 'claimed_until', onClaim: 'updated_at = now()' };

/**
 * SQL assignments that release the claim `holderParam` holds, for an import's final write (ADR 0032): a claim that
 * lapsed and was taken by another holder is left to it.
 */
export function releasingImportClaim(holderParam: string): string {
  return releasingClaim(IMPORT_CLAIM_COLUMNS, holderParam);
}

/**
 * The orders service's record of every Ideris order it has seen: both ids, the outcome, the worker status. One import
 * of an order at a time, each delivery with its own claim (`claimed_by`, `claimed_until`, `claimForImport`).
 */
@Injectable()
export class OrderSyncRepository {
  private readonly claims: WorkClaims<OrderSyncRow>;

  constructor(private readonly dataSource: DataSource) {
    this.claims = new WorkClaims(dataSource, IMPORT_CLAIM_COLUMNS, CLAIM_MS);
  }

  /**
   * Records a discovered order once, with its history line and, for an order to import, its import job's outbox row
   * (`job`, from `Outbox.row`), in one statement (ADR 0028): one round trip instead of a five-round-trip transaction,
   * atomic as one statement. Returns the row id when the order is new, undefined when it was already known; the
   * history, the job and the relay's wake-up are written only for a new order.
   */
  async insertDiscoveredWithJob(order: DiscoveredOrder, job: { params: [string, string, string, string] } | undefined): Promise<string | undefined> {
    const id = randomUUID();
    const skipped = order.cancelled ? undefined : order.skipped;
    const state: OrderState = order.cancelled ? 'cancelled_before_import' : skipped ? 'skipped' : 'discovered';
    const queue = !!job && !order.cancelled && !skipped;
    const kind = order.cancelled ? 'cancelled-before-import' : skipped ? 'skipped' : 'discovered';
    const detail = JSON.stringify({ iderisStatusId: order.iderisStatusId, ...(skipped ? { reasonCode: skipped.reasonCode } : {}) });
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH ins AS (
         INSERT INTO order_sync (id, connection_id, ideris_order_id, marketplace, marketplace_order_code, ideris_status_id, visible_at, state, work_status,
                                 ideris_account_id, reason, reason_code)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (connection_id, ideris_order_id) DO NOTHING RETURNING id),
       history AS (INSERT INTO order_history (order_sync_id, kind, detail) SELECT id, $13::text, $14::jsonb FROM ins),
       job AS (INSERT INTO outbox_message (id, subject, payload, headers) SELECT $16::uuid, $17::text, $18::jsonb, $19::jsonb FROM ins WHERE $15::boolean)
       SELECT ins.id, CASE WHEN $15::boolean THEN ${OUTBOX_NOTIFY} END AS notified FROM ins`,
      [
        id, order.connectionId, order.iderisOrderId, order.marketplace ?? null, order.marketplaceOrderCode ?? null, order.iderisStatusId ?? null,
        order.visibleAt ?? null, state, order.cancelled || skipped ? 'done' : 'queued', order.iderisAccountId ?? null, skipped?.reason ?? null, skipped?.reasonCode ?? null,
        kind, detail, queue, ...(job?.params ?? [null, null, null, null]),
      ],
    );
    return rows[0]?.id;
  }

  /**
   * Leaves an order to import waiting for its connection's turn, due now (an operator's job makes a later-due order
   * due now; otherwise the place it already has is kept). False when the order is not waiting to be imported (settled,
   * parked or unknown): its job runs as it is.
   */
  async defer(connectionId: string, iderisOrderId: number, trigger: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query(
      `UPDATE order_sync SET deferred_at = CASE WHEN $3 = 'operator' THEN LEAST(coalesce(deferred_at, now()), now()) ELSE coalesce(deferred_at, now()) END,
              deferred_trigger = CASE WHEN $3 = 'operator' OR deferred_trigger IS NULL THEN $3 ELSE deferred_trigger END
        WHERE connection_id = $1 AND ideris_order_id = $2 AND state = 'discovered' AND work_status <> 'gave_up' RETURNING 1`,
      [connectionId, iderisOrderId, trigger],
    );
    return returningRows(result).length > 0;
  }

  /**
   * Takes the connection's longest-waiting order that is due and not being imported, moving it `holdMs` on: a turn
   * that dies with it leaves it due again then (its import's claim keeps two imports apart meanwhile).
   */
  async takeDeferred(connectionId: string, holdMs: number): Promise<DeferredOrder | undefined> {
    const result: unknown = await this.dataSource.query(
      `UPDATE order_sync SET deferred_at = now() + make_interval(secs => $2::int / 1000.0)
        WHERE id = (SELECT id FROM order_sync
                     WHERE connection_id = $1 AND state = 'discovered' AND deferred_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
                     ORDER BY deferred_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING ideris_order_id, deferred_trigger`,
      [connectionId, holdMs],
    );
    const [row] = returningRows<{ ideris_order_id: string; deferred_trigger: string | null }>(result);
    return row ? { iderisOrderId: Number(row.ideris_order_id), trigger: row.deferred_trigger ?? 'deferred' } : undefined;
  }

  /** A waiting order's next attempt after a failure, `delayMs` from now; `null`: it waits no more (it gave up). */
  async redefer(connectionId: string, iderisOrderId: number, delayMs: number | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE order_sync SET deferred_at = CASE WHEN $3::int IS NULL THEN NULL ELSE now() + make_interval(secs => $3::int / 1000.0) END
        WHERE connection_id = $1 AND ideris_order_id = $2`,
      [connectionId, iderisOrderId, delayMs],
    );
  }

  /** Connections with orders due for a turn and not being imported (`limit` at most). */
  async connectionsWithDeferredDue(limit: number): Promise<string[]> {
    const rows: { connection_id: string }[] = await this.dataSource.query(
      `SELECT connection_id FROM order_sync
        WHERE deferred_at <= now() AND state = 'discovered' AND (claimed_until IS NULL OR claimed_until < now())
        GROUP BY connection_id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.connection_id);
  }

  /**
   * Claims an order to import, by its natural key, unless it is settled or a live claim holds it, and starts the
   * attempt in the same statement (`running`, the attempt counted): one round trip instead of a read, a claim and an
   * update (ADR 0025, 0032). Undefined when it was not taken (unknown, settled or held: `find` tells which).
   */
  async claimForImport(connectionId: string, iderisOrderId: number): Promise<ImportClaim | undefined> {
    return this.claims.claimWhere(
      { where: `connection_id = $3 AND ideris_order_id = $4 AND NOT (${SETTLED_STATES})`, set: `work_status = 'running', attempts = attempts + 1`, params: [connectionId, iderisOrderId] },
      (row) => row.id,
    );
  }

  /**
   * What the import decides with, after the Ideris order is read, in one round trip: the marketplace account the order
   * came through (undefined `accountId`: none) and the SKU mappings of the order's SKUs and listing codes.
   */
  async importContext(
    connectionId: string, accountId: number | undefined, skus: string[], listingCodes: string[],
  ): Promise<{ account: MarketplaceAccountRow | null; mappings: SkuMappingRow[] }> {
    const [row] = (await this.dataSource.query(
      `SELECT (SELECT row_to_json(a) FROM marketplace_account a WHERE a.connection_id = $1 AND a.account_id = $2::bigint) AS account,
              (SELECT coalesce(json_agg(json_build_object('kind', m.kind, 'marketplace_value', m.marketplace_value, 'tiny_product_code', m.tiny_product_code)), '[]'::json)
                 FROM sku_mapping m
                WHERE m.connection_id = $1 AND ((m.kind = 'sku' AND m.marketplace_value = ANY($3::text[])) OR (m.kind = 'listing' AND m.marketplace_value = ANY($4::text[])))) AS mappings`,
      [connectionId, accountId ?? null, skus, listingCodes],
    )) as [{ account: MarketplaceAccountRow | null; mappings: SkuMappingRow[] }];
    return row;
  }

  /** Which of these Ideris orders of the connection are recorded already. */
  async knownIderisOrderIds(connectionId: string, iderisOrderIds: number[]): Promise<Set<number>> {
    if (iderisOrderIds.length === 0) return new Set();
    const rows: { ideris_order_id: string }[] = await this.dataSource.query(
      'SELECT ideris_order_id FROM order_sync WHERE connection_id = $1 AND ideris_order_id = ANY($2::bigint[])',
      [connectionId, iderisOrderIds],
    );
    return new Set(rows.map((row) => Number(row.ideris_order_id)));
  }

  async find(connectionId: string, iderisOrderId: number, m: EntityManager = this.dataSource.manager): Promise<OrderSyncRow | undefined> {
    const rows: OrderSyncRow[] = await m.query('SELECT * FROM order_sync WHERE connection_id = $1 AND ideris_order_id = $2', [connectionId, iderisOrderId]);
    return rows[0];
  }

  async update(m: EntityManager, id: string, fields: Partial<Omit<OrderSyncRow, 'id'>>): Promise<void> {
    const entries = Object.entries(fields);
    if (entries.length === 0) return;
    const sets = entries.map(([k], i) => `${k} = $${i + 2}`).join(', ');
    await m.query(`UPDATE order_sync SET ${sets}, updated_at = now() WHERE id = $1`, [id, ...entries.map(([, v]) => v)]);
  }

  async history(m: EntityManager, orderSyncId: string, kind: string, detail: object = {}): Promise<void> {
    await m.query('INSERT INTO order_history (order_sync_id, kind, detail) VALUES ($1, $2, $3)', [orderSyncId, kind, JSON.stringify(detail)]);
  }

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(fn);
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }
}
