import { Injectable } from '@nestjs/common';
import type { ProductKind, ProductSyncDirection, ProductSyncState } from '@hub/contracts';
import { WorkClaims } from '@hub/work';
import { DataSource, type EntityManager } from 'typeorm';

/** A `product_sync` row (bigint columns come back as text). */
export interface ProductSyncRow {
  connection_id: string;
  sku: string;
  kind: Exclude<ProductKind, 'variation'>;
  direction: ProductSyncDirection | null;
  state: ProductSyncState;
  payload: unknown;
  revision: string;
  tiny_seq: string;
  import_id: string | null;
  tiny_fingerprint: string | null;
  tiny_fingerprint_from: 'tiny' | 'hub' | null;
  tiny_pending_fingerprint: string | null;
  ideris_fingerprint: string | null;
  ideris_fingerprint_from: 'ideris' | 'hub' | null;
  ideris_pending_fingerprint: string | null;
  tiny_create_sent_at: Date | null;
  ideris_create_sent_at: Date | null;
  attempts: number;
  next_attempt_at: Date;
  claimed_by: string | null;
  claimed_until: Date | null;
  waiting_for: string | null;
  last_outcome: string | null;
  last_error: string | null;
  last_error_at: Date | null;
  queued_at: Date;
  synced_at: Date | null;
  updated_at: Date;
}

export interface BindingRow {
  connection_id: string;
  sku: string;
  root_sku: string;
  kind: ProductKind;
  tiny_product_id: string | null;
  tiny_id_mapeamento: string | null;
  ideris_sku_id: string | null;
  ideris_listing_model_id: string | null;
  ideris_variant_id: string | null;
}

export interface BindingUpsert {
  sku: string;
  rootSku: string;
  kind: ProductKind;
  tinyProductId?: string;
  idMapeamento?: string;
  iderisSkuId?: number;
  iderisListingModelId?: number;
  iderisVariantId?: number;
}

/** New work for a product: what to write where, replacing any work not started yet. */
export interface QueuedWork {
  direction: ProductSyncDirection;
  payload: unknown;
  importId?: string | null;
  tinySeq?: number;
}

/**
 * A claim lapses after this long, so a crashed writer's product is taken again (its create journal checked first):
 * an Ideris push is one call (30 s timeout) after its budget slot; a Tiny batch may wait a minute for its slot.
 */
export const CLAIM_SECONDS = { 'to-ideris': 60, 'to-tiny': 180 } as const;

/** product_binding, product_kit_component, product_sync and its journal. */
@Injectable()
export class ProductSyncRepository {
  /** A write's claim on a product (`state = 'writing'` until `claimed_until`), per direction's length. */
  private readonly claims: Record<ProductSyncDirection, WorkClaims>;

  constructor(readonly dataSource: DataSource) {
    const columns = { table: 'product_sync', key: 'connection_id', holder: 'claimed_by', until: 'claimed_until', onClaim: `state = 'writing', updated_at = now()` };
    this.claims = { 'to-ideris': new WorkClaims(dataSource, columns, CLAIM_SECONDS['to-ideris'] * 1000, '1'), 'to-tiny': new WorkClaims(dataSource, columns, CLAIM_SECONDS['to-tiny'] * 1000, '1') };
  }

  /** The product's sync row, created if missing, locked for the rest of the transaction. */
  async lockSync(m: EntityManager, connectionId: string, sku: string, kind: ProductSyncRow['kind']): Promise<ProductSyncRow> {
    await m.query(`INSERT INTO product_sync (connection_id, sku, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [connectionId, sku, kind]);
    const [row] = (await m.query(`SELECT * FROM product_sync WHERE connection_id = $1 AND sku = $2 FOR UPDATE`, [connectionId, sku])) as ProductSyncRow[];
    return row!;
  }

  async sync(connectionId: string, sku: string, m: EntityManager = this.dataSource.manager): Promise<ProductSyncRow | undefined> {
    const rows: ProductSyncRow[] = await m.query(`SELECT * FROM product_sync WHERE connection_id = $1 AND sku = $2`, [connectionId, sku]);
    return rows[0];
  }

  /** Replaces the product's pending work (a writer holding it sees the revision change and leaves it pending). */
  async queue(m: EntityManager, row: ProductSyncRow, kind: ProductSyncRow['kind'], work: QueuedWork): Promise<void> {
    await m.query(
      `UPDATE product_sync SET kind = $3, direction = $4, payload = $5::jsonb, revision = revision + 1,
              state = CASE WHEN state = 'writing' AND claimed_until > now() THEN 'writing' ELSE 'pending' END,
              import_id = $6, tiny_seq = GREATEST(tiny_seq, $7), attempts = 0, next_attempt_at = now(), waiting_for = NULL,
              last_error = NULL, last_error_at = NULL,
              queued_at = CASE WHEN state IN ('pending', 'waiting', 'writing') THEN queued_at ELSE now() END, updated_at = now()
        WHERE connection_id = $1 AND sku = $2`,
      [row.connection_id, row.sku, kind, work.direction, JSON.stringify(work.payload), work.importId ?? null, work.tinySeq ?? 0],
    );
  }

  /** Work not started yet is dropped: the other side already holds what it would have written. */
  async supersede(m: EntityManager, row: ProductSyncRow, outcome: string, tinySeq = 0): Promise<void> {
    await m.query(
      `UPDATE product_sync SET state = 'synced', payload = NULL, revision = revision + 1, waiting_for = NULL, last_outcome = $3,
              last_error = NULL, last_error_at = NULL, tiny_seq = GREATEST(tiny_seq, $4), updated_at = now()
        WHERE connection_id = $1 AND sku = $2`,
      [row.connection_id, row.sku, outcome, tinySeq],
    );
  }

  async noteTinySeq(m: EntityManager, row: ProductSyncRow, tinySeq: number, outcome?: string): Promise<void> {
    await m.query(
      `UPDATE product_sync SET tiny_seq = GREATEST(tiny_seq, $3), last_outcome = COALESCE($4, last_outcome), updated_at = now() WHERE connection_id = $1 AND sku = $2`,
      [row.connection_id, row.sku, tinySeq, outcome ?? null],
    );
  }

  /** Due work in one direction: pending (and due), or writing under a claim that lapsed. */
  async due(connectionId: string, direction: ProductSyncDirection, limit: number): Promise<ProductSyncRow[]> {
    return this.dataSource.query(
      `SELECT * FROM product_sync
        WHERE connection_id = $1 AND direction = $2
          AND ((state IN ('pending', 'waiting') AND next_attempt_at <= now()) OR (state = 'writing' AND claimed_until < now()))
        ORDER BY (kind = 'kit'), queued_at, sku LIMIT $3`,
      [connectionId, direction, limit],
    );
  }

  async dueConnections(direction: ProductSyncDirection): Promise<string[]> {
    const rows: { connection_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT connection_id FROM product_sync
        WHERE direction = $1 AND ((state IN ('pending', 'waiting') AND next_attempt_at <= now()) OR (state = 'writing' AND claimed_until < now()))`,
      [direction],
    );
    return rows.map((row) => row.connection_id);
  }

  /**
   * Takes a row for writing if it is still at the revision read and no live claim holds it; false when newer work
   * replaced it meanwhile. The write's outcome (finish, retry, wait, fail) ends the claim.
   */
  async claim(row: ProductSyncRow, extra: { tinyPendingFingerprint?: string; iderisPendingFingerprint?: string; tinyCreateSent?: boolean; iderisCreateSent?: boolean } = {}): Promise<boolean> {
    const direction = row.direction ?? 'to-tiny';
    const claim = await this.claims[direction].claim(row.connection_id, {
      where: `sku = $4 AND revision = $5 AND direction = $6 AND state IN ('pending', 'waiting', 'writing')`,
      set: `tiny_pending_fingerprint = COALESCE($7, tiny_pending_fingerprint), ideris_pending_fingerprint = COALESCE($8, ideris_pending_fingerprint),
            tiny_create_sent_at = CASE WHEN $9 THEN now() ELSE tiny_create_sent_at END, ideris_create_sent_at = CASE WHEN $10 THEN now() ELSE ideris_create_sent_at END`,
      params: [row.sku, row.revision, direction, extra.tinyPendingFingerprint ?? null, extra.iderisPendingFingerprint ?? null, extra.tinyCreateSent === true, extra.iderisCreateSent === true],
    });
    return claim !== undefined;
  }

  /** Announces what is about to be written (committed before the call), so its echo is recognised. */
  async announce(row: ProductSyncRow, extra: { tinyPendingFingerprint?: string; iderisPendingFingerprint?: string; tinyCreateSent?: boolean; iderisCreateSent?: boolean }): Promise<void> {
    await this.dataSource.query(
      `UPDATE product_sync SET tiny_pending_fingerprint = COALESCE($3, tiny_pending_fingerprint), ideris_pending_fingerprint = COALESCE($4, ideris_pending_fingerprint),
              tiny_create_sent_at = CASE WHEN $5 THEN now() ELSE tiny_create_sent_at END,
              ideris_create_sent_at = CASE WHEN $6 THEN now() ELSE ideris_create_sent_at END, updated_at = now()
        WHERE connection_id = $1 AND sku = $2`,
      [row.connection_id, row.sku, extra.tinyPendingFingerprint ?? null, extra.iderisPendingFingerprint ?? null, extra.tinyCreateSent === true, extra.iderisCreateSent === true],
    );
  }

  /**
   * The write is confirmed: both sides' fingerprints recorded, the row synced — unless newer work arrived during
   * the write (another revision), which stays pending and goes next.
   */
  async finish(
    m: EntityManager,
    row: ProductSyncRow,
    done: { outcome: string; tinyFingerprint?: string; tinyFrom?: 'tiny' | 'hub'; iderisFingerprint?: string; iderisFrom?: 'ideris' | 'hub'; detail?: string },
  ): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `UPDATE product_sync SET
              state = CASE WHEN revision = $3 THEN 'synced' ELSE 'pending' END,
              tiny_fingerprint = COALESCE($4, tiny_fingerprint), tiny_fingerprint_from = COALESCE($5, tiny_fingerprint_from),
              ideris_fingerprint = COALESCE($6, ideris_fingerprint), ideris_fingerprint_from = COALESCE($7, ideris_fingerprint_from),
              tiny_pending_fingerprint = NULL, ideris_pending_fingerprint = NULL, tiny_create_sent_at = NULL, ideris_create_sent_at = NULL,
              claimed_until = NULL, attempts = 0, next_attempt_at = now(), waiting_for = NULL, last_outcome = $8,
              last_error = NULL, last_error_at = NULL, synced_at = now(), updated_at = now()
        WHERE connection_id = $1 AND sku = $2
        RETURNING (revision = $3) AS current`,
      [row.connection_id, row.sku, row.revision, done.tinyFingerprint ?? null, done.tinyFrom ?? null, done.iderisFingerprint ?? null, done.iderisFrom ?? null, done.outcome],
    );
    await this.journal(m, row.connection_id, row.sku, row.direction, done.outcome, done.detail);
    return (rows as Array<{ current: boolean }>)[0]?.current ?? false;
  }

  /**
   * Transient failure: the row stays pending with a backoff (a product must converge, so it is never given up).
   * Newer work that arrived during the write goes at once instead.
   */
  async retry(row: ProductSyncRow, detail: string, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE product_sync SET state = 'pending', claimed_until = NULL,
              attempts = CASE WHEN revision = $3 THEN attempts + 1 ELSE 0 END,
              last_error = CASE WHEN revision = $3 THEN $4 ELSE NULL END, last_error_at = CASE WHEN revision = $3 THEN now() ELSE NULL END,
              next_attempt_at = CASE WHEN revision = $3 THEN now() + make_interval(secs => $5::float8 / 1000) ELSE now() END, updated_at = now()
        WHERE connection_id = $1 AND sku = $2`,
      [row.connection_id, row.sku, row.revision, detail.slice(0, 1000), delayMs],
    );
  }

  /** Goes again at once, as another kind of write (an adopted product is updated; a vanished one created). */
  async requeue(row: ProductSyncRow, outcome: string, detail: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `UPDATE product_sync SET state = 'pending', claimed_until = NULL, next_attempt_at = now(), last_outcome = $3, updated_at = now() WHERE connection_id = $1 AND sku = $2`,
        [row.connection_id, row.sku, outcome],
      );
      await this.journal(m, row.connection_id, row.sku, row.direction, outcome, detail);
    });
  }

  /** Needs something first (kit components in Tiny): looked at again after `delayMs` (newer work: at once). */
  async wait(row: ProductSyncRow, waitingFor: string, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE product_sync SET state = CASE WHEN revision = $3 THEN 'waiting' ELSE 'pending' END, claimed_until = NULL,
              waiting_for = CASE WHEN revision = $3 THEN $4 ELSE NULL END,
              next_attempt_at = CASE WHEN revision = $3 THEN now() + make_interval(secs => $5::float8 / 1000) ELSE now() END, updated_at = now()
        WHERE connection_id = $1 AND sku = $2`,
      [row.connection_id, row.sku, row.revision, waitingFor.slice(0, 1000), delayMs],
    );
  }

  /** The other side refused it: visible with the reason, not retried until new work or an operator's reprocess. */
  async fail(row: ProductSyncRow, detail: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `UPDATE product_sync SET state = CASE WHEN revision = $3 THEN 'failed' ELSE 'pending' END, claimed_until = NULL, last_outcome = 'refused',
                last_error = $4, last_error_at = now(), tiny_pending_fingerprint = NULL, ideris_pending_fingerprint = NULL, updated_at = now()
          WHERE connection_id = $1 AND sku = $2`,
        [row.connection_id, row.sku, row.revision, detail.slice(0, 1000)],
      );
      await this.journal(m, row.connection_id, row.sku, row.direction, 'refused', detail);
    });
  }

  async bindings(connectionId: string, filter: { skus?: string[]; tinyProductIds?: string[]; rootSku?: string }, m: EntityManager = this.dataSource.manager): Promise<BindingRow[]> {
    return m.query(
      `SELECT * FROM product_binding WHERE connection_id = $1 AND (sku = ANY($2::text[]) OR tiny_product_id = ANY($3::text[]) OR root_sku = $4) ORDER BY (sku = root_sku) DESC, sku`,
      [connectionId, filter.skus ?? [], filter.tinyProductIds ?? [], filter.rootSku ?? null],
    );
  }

  /** Inserts or completes bindings; an id already known is only replaced by a value, never cleared. */
  async bind(m: EntityManager, connectionId: string, bindings: BindingUpsert[]): Promise<void> {
    for (const binding of bindings) {
      await m.query(
        `INSERT INTO product_binding (connection_id, sku, root_sku, kind, tiny_product_id, tiny_id_mapeamento, ideris_sku_id, ideris_listing_model_id, ideris_variant_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (connection_id, sku) DO UPDATE SET root_sku = EXCLUDED.root_sku, kind = EXCLUDED.kind,
           tiny_product_id = COALESCE(EXCLUDED.tiny_product_id, product_binding.tiny_product_id),
           tiny_id_mapeamento = COALESCE(EXCLUDED.tiny_id_mapeamento, product_binding.tiny_id_mapeamento),
           ideris_sku_id = COALESCE(EXCLUDED.ideris_sku_id, product_binding.ideris_sku_id),
           ideris_listing_model_id = COALESCE(EXCLUDED.ideris_listing_model_id, product_binding.ideris_listing_model_id),
           ideris_variant_id = COALESCE(EXCLUDED.ideris_variant_id, product_binding.ideris_variant_id), updated_at = now()`,
        [
          connectionId, binding.sku, binding.rootSku, binding.kind, binding.tinyProductId ?? null, binding.idMapeamento ?? null,
          binding.iderisSkuId ?? null, binding.iderisListingModelId ?? null, binding.iderisVariantId ?? null,
        ],
      );
    }
  }

  /** A Tiny product that is gone (code 32): forget its id so the next write creates it again. */
  async forgetTinyIds(m: EntityManager, connectionId: string, rootSku: string): Promise<void> {
    await m.query(`UPDATE product_binding SET tiny_product_id = NULL, updated_at = now() WHERE connection_id = $1 AND root_sku = $2`, [connectionId, rootSku]);
  }

  /**
   * An operator asks for the product's last work again, even if the target side seems to hold it already (its
   * fingerprint is forgotten). Undefined when there is no such product; otherwise why not, or the row.
   */
  async reprocess(connectionId: string, sku: string): Promise<{ refused?: string; row?: ProductSyncRow } | undefined> {
    return this.dataSource.transaction(async (m) => {
      const [row] = (await m.query(`SELECT * FROM product_sync WHERE connection_id = $1 AND sku = $2 FOR UPDATE`, [connectionId, sku])) as ProductSyncRow[];
      if (!row) return undefined;
      if (row.state === 'writing' && row.claimed_until && new Date(row.claimed_until).getTime() > Date.now()) return { refused: 'the product is being written right now; try again in a moment' };
      if (!row.payload || !row.direction) return { refused: 'there is no stored work for this product: send it from Tiny or import it from Ideris' };
      await m.query(
        `UPDATE product_sync SET state = 'pending', revision = revision + 1, attempts = 0, next_attempt_at = now(), claimed_until = NULL, waiting_for = NULL,
                last_error = NULL, last_error_at = NULL, queued_at = now(), updated_at = now(),
                ideris_fingerprint = CASE WHEN direction = 'to-ideris' THEN NULL ELSE ideris_fingerprint END,
                tiny_fingerprint = CASE WHEN direction = 'to-tiny' THEN NULL ELSE tiny_fingerprint END
          WHERE connection_id = $1 AND sku = $2`,
        [connectionId, sku],
      );
      await this.journal(m, connectionId, sku, row.direction, 'reprocess-requested');
      return { row: (await this.sync(connectionId, sku, m))! };
    });
  }

  /** A listing model deleted in Ideris: forget its ids so the next push creates it again. */
  async forgetIderisIds(connectionId: string, rootSku: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE product_binding SET ideris_listing_model_id = NULL, ideris_sku_id = NULL, ideris_variant_id = NULL, updated_at = now() WHERE connection_id = $1 AND root_sku = $2`,
      [connectionId, rootSku],
    );
    await this.dataSource.query(`UPDATE product_sync SET ideris_fingerprint = NULL, ideris_create_sent_at = NULL WHERE connection_id = $1 AND sku = $2`, [connectionId, rootSku]);
  }

  /** Replaces a kit's composition with what one side described. */
  async setKit(m: EntityManager, connectionId: string, kitSku: string, components: Array<{ sku: string; quantity: string | number }>, source: 'tiny' | 'ideris'): Promise<void> {
    await m.query(`DELETE FROM product_kit_component WHERE connection_id = $1 AND kit_sku = $2`, [connectionId, kitSku]);
    for (const component of components) {
      await m.query(
        `INSERT INTO product_kit_component (connection_id, kit_sku, component_sku, quantity, source) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (connection_id, kit_sku, component_sku) DO UPDATE SET quantity = product_kit_component.quantity + EXCLUDED.quantity, updated_at = now()`,
        [connectionId, kitSku, component.sku, String(component.quantity), source],
      );
    }
  }

  async journal(m: EntityManager, connectionId: string, sku: string, direction: ProductSyncDirection | null, outcome: string, detail?: string): Promise<void> {
    await m.query(`INSERT INTO product_sync_log (connection_id, sku, direction, outcome, detail) VALUES ($1, $2, $3, $4, $5)`, [connectionId, sku, direction, outcome, detail?.slice(0, 1000) ?? null]);
  }

  async pruneJournal(keepDays: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM product_sync_log WHERE at < now() - make_interval(days => $1)`, [keepDays]);
  }
}
