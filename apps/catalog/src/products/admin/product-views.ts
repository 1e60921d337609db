import { Injectable } from '@nestjs/common';
import type { ProductBindingView, ProductDetailView, ProductListQuery, ProductSyncDirection, ProductSyncView } from '@hub/contracts';
import { DataSource } from 'typeorm';
import type { BindingRow, ProductSyncRow } from '../product-sync.repository';

interface ListRow extends ProductSyncRow {
  tiny_product_id: string | null;
  ideris_listing_model_id: string | null;
  ideris_sku_id: string | null;
  variations: number;
  kit_components: number;
}

/** Read side of the products admin: bindings with their sync state, one product in detail. */
@Injectable()
export class ProductViews {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: ProductListQuery & { limit: number; offset: number }): Promise<ProductSyncView[]> {
    const rows: ListRow[] = await this.dataSource.query(
      `${SELECT_SYNC}
        WHERE s.connection_id = $1 AND ($2::text IS NULL OR s.state = $2) AND ($3::text IS NULL OR s.direction = $3)
          AND ($4::text IS NULL OR left(s.sku, length($4)) = $4)
        ORDER BY s.updated_at DESC, s.sku LIMIT $5 OFFSET $6`,
      [query.connectionId, query.state ?? null, query.direction ?? null, query.sku ?? null, query.limit, query.offset],
    );
    return rows.map(toView);
  }

  /** A product by its SKU or one of its variations' SKUs; undefined when the hub has no sync for it. */
  async get(connectionId: string, sku: string): Promise<ProductDetailView | undefined> {
    const [binding] = (await this.dataSource.query(`SELECT root_sku FROM product_binding WHERE connection_id = $1 AND sku = $2`, [connectionId, sku])) as Array<{ root_sku: string }>;
    const root = binding?.root_sku ?? sku;
    const [row] = (await this.dataSource.query(`${SELECT_SYNC} WHERE s.connection_id = $1 AND s.sku = $2`, [connectionId, root])) as ListRow[];
    if (!row) return undefined;
    const [bindings, kit, journal] = await Promise.all([
      this.dataSource.query(`SELECT * FROM product_binding WHERE connection_id = $1 AND root_sku = $2 ORDER BY (sku = root_sku) DESC, sku`, [connectionId, root]) as Promise<BindingRow[]>,
      this.dataSource.query(`SELECT component_sku, quantity, source FROM product_kit_component WHERE connection_id = $1 AND kit_sku = $2 ORDER BY component_sku`, [connectionId, root]) as Promise<
        Array<{ component_sku: string; quantity: string; source: 'tiny' | 'ideris' }>
      >,
      this.dataSource.query(`SELECT direction, outcome, detail, at FROM product_sync_log WHERE connection_id = $1 AND sku = $2 ORDER BY id DESC LIMIT 20`, [connectionId, root]) as Promise<
        Array<{ direction: ProductSyncDirection | null; outcome: string; detail: string | null; at: Date }>
      >,
    ]);
    return {
      ...toView(row),
      bindings: bindings.map(toBindingView),
      kit: kit.map((item) => ({ componentSku: item.component_sku, quantity: trimDecimal(item.quantity), source: item.source })),
      journal: journal.map((entry) => ({ direction: entry.direction, outcome: entry.outcome, detail: entry.detail, at: new Date(entry.at).toISOString() })),
    };
  }
}

const SELECT_SYNC = `
  SELECT s.*, b.tiny_product_id, b.ideris_listing_model_id, b.ideris_sku_id,
         (SELECT count(*) FROM product_binding v WHERE v.connection_id = s.connection_id AND v.root_sku = s.sku AND v.sku <> s.sku)::int AS variations,
         (SELECT count(*) FROM product_kit_component k WHERE k.connection_id = s.connection_id AND k.kit_sku = s.sku)::int AS kit_components
    FROM product_sync s LEFT JOIN product_binding b ON b.connection_id = s.connection_id AND b.sku = s.sku`;

function toView(row: ListRow): ProductSyncView {
  return {
    sku: row.sku,
    kind: row.kind,
    tinyProductId: row.tiny_product_id,
    iderisListingModelId: row.ideris_listing_model_id === null ? null : Number(row.ideris_listing_model_id),
    iderisSkuId: row.ideris_sku_id === null ? null : Number(row.ideris_sku_id),
    variations: row.variations,
    kitComponents: row.kit_components,
    direction: row.direction,
    state: row.state,
    lastOutcome: row.last_outcome,
    attempts: row.attempts,
    lastError: row.last_error,
    lastErrorAt: iso(row.last_error_at),
    waitingFor: row.waiting_for,
    importId: row.import_id,
    syncedAt: iso(row.synced_at),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function toBindingView(row: BindingRow): ProductBindingView {
  return {
    sku: row.sku,
    kind: row.kind,
    tinyProductId: row.tiny_product_id,
    idMapeamento: row.tiny_id_mapeamento,
    iderisSkuId: row.ideris_sku_id === null ? null : Number(row.ideris_sku_id),
    iderisListingModelId: row.ideris_listing_model_id === null ? null : Number(row.ideris_listing_model_id),
    iderisVariantId: row.ideris_variant_id === null ? null : Number(row.ideris_variant_id),
  };
}

function iso(value: Date | null): string | null {
  return value ? new Date(value).toISOString() : null;
}

function trimDecimal(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}
