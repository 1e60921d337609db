import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrderRequeue } from '../admin/order-requeue';

export type MappingKind = 'sku' | 'listing';

export interface SkuMapping {
  kind: MappingKind;
  marketplaceValue: string;
  tinyProductCode: string;
}

export interface SkuMappingRow {
  kind: MappingKind;
  marketplace_value: string;
  tiny_product_code: string;
}

/** A lookup for the mapper over mapping rows: explicit mappings first, an exact SKU passes through. */
export function resolverOf(rows: SkuMappingRow[]): (item: { sku: string | null; listingCode?: string }) => string | undefined {
  const bySku = new Map(rows.filter((r) => r.kind === 'sku').map((r) => [r.marketplace_value, r.tiny_product_code]));
  const byListing = new Map(rows.filter((r) => r.kind === 'listing').map((r) => [r.marketplace_value, r.tiny_product_code]));
  return (item) => {
    if (item.sku) return bySku.get(item.sku) ?? item.sku;
    return item.listingCode ? byListing.get(item.listingCode) : undefined;
  };
}

/** The per-connection "de-para": marketplace SKU (or listing code when the SKU is null) → Tiny product code. */
@Injectable()
export class SkuMappingService {
  constructor(private readonly dataSource: DataSource, private readonly requeue: OrderRequeue) {}

  async list(connectionId: string): Promise<SkuMapping[]> {
    const rows: { kind: MappingKind; marketplace_value: string; tiny_product_code: string }[] = await this.dataSource.query(
      'SELECT kind, marketplace_value, tiny_product_code FROM sku_mapping WHERE connection_id = $1 ORDER BY kind, marketplace_value',
      [connectionId],
    );
    return rows.map((r) => ({ kind: r.kind, marketplaceValue: r.marketplace_value, tinyProductCode: r.tiny_product_code }));
  }

  /** Saves a mapping and queues again every order parked for one of its values. Returns how many were re-queued. */
  async put(connectionId: string, mapping: SkuMapping): Promise<{ mapping: SkuMapping; requeued: number }> {
    const requeued = await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO sku_mapping (connection_id, kind, marketplace_value, tiny_product_code) VALUES ($1, $2, $3, $4)
         ON CONFLICT (connection_id, kind, marketplace_value) DO UPDATE SET tiny_product_code = EXCLUDED.tiny_product_code`,
        [connectionId, mapping.kind, mapping.marketplaceValue, mapping.tinyProductCode],
      );
      const parked: { id: string; connection_id: string; ideris_order_id: string }[] = await m.query(
        `SELECT id, connection_id, ideris_order_id FROM order_sync WHERE connection_id = $1 AND state = 'needs_mapping' AND $2 = ANY(unknown_skus) FOR UPDATE`,
        [connectionId, mapping.marketplaceValue],
      );
      await this.requeue.queueJobs(m, parked, 'sku-mapping', { mapping });
      return parked.length;
    });
    return { mapping, requeued };
  }

  async remove(connectionId: string, kind: MappingKind, marketplaceValue: string): Promise<boolean> {
    const [, count] = (await this.dataSource.query('DELETE FROM sku_mapping WHERE connection_id = $1 AND kind = $2 AND marketplace_value = $3', [connectionId, kind, marketplaceValue])) as [unknown, number];
    return count > 0;
  }
}
