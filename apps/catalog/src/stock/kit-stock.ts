import { Injectable } from '@nestjs/common';
import type { StockType } from '@hub/contracts';
import { TinyProductsApi, type TinyClient } from '@hub/tiny';
import { DataSource } from 'typeorm';
import { balanceOfKind, parseScaled } from './domain/stock-rule';
import { KNOWN_STOCK_PRODUCTS, StockRepository, type StockProductRef } from './stock.repository';

export interface KitComponent {
  sku: string;
  /** Units of the component in one kit (Tiny allows fractions: "0.5"). */
  quantity: string;
  tinyProductId: string | null;
}

/**
 * Kits whose Ideris stock is the minimum their components allow (`settings.kitStock = 'components'`): the
 * composition comes from `product_kit_component` (kept by the products sync, from either side), each
 * component's Tiny balance is read, and the kit can be assembled floor(balance ÷ quantity) times.
 */
@Injectable()
export class KitStock {
  constructor(private readonly dataSource: DataSource, private readonly stock: StockRepository) {}

  /** The compositions of those SKUs that are kits. */
  async compositions(connectionId: string, skus: string[]): Promise<Map<string, KitComponent[]>> {
    if (skus.length === 0) return new Map();
    const rows: { kit_sku: string; component_sku: string; quantity: string; tiny_product_id: string | null }[] = await this.dataSource.query(
      `SELECT c.kit_sku, c.component_sku, c.quantity::text AS quantity, known.tiny_product_id
         FROM product_kit_component c LEFT JOIN ${KNOWN_STOCK_PRODUCTS} known ON known.sku = c.component_sku
        WHERE c.connection_id = $1 AND c.kit_sku = ANY($2::text[])
        ORDER BY c.kit_sku, c.component_sku`,
      [connectionId, skus],
    );
    const kits = new Map<string, KitComponent[]>();
    for (const row of rows) {
      kits.set(row.kit_sku, [...(kits.get(row.kit_sku) ?? []), { sku: row.component_sku, quantity: row.quantity, tinyProductId: row.tiny_product_id }]);
    }
    return kits;
  }

  /** The kits (with their Tiny product, when known) that contain any of these components. */
  async kitsContaining(connectionId: string, componentSkus: string[]): Promise<StockProductRef[]> {
    const rows: { kit_sku: string; tiny_product_id: string | null }[] = await this.dataSource.query(
      `SELECT DISTINCT c.kit_sku, known.tiny_product_id
         FROM product_kit_component c LEFT JOIN ${KNOWN_STOCK_PRODUCTS} known ON known.sku = c.kit_sku
        WHERE c.connection_id = $1 AND c.component_sku = ANY($2::text[])`,
      [connectionId, componentSkus],
    );
    // A kit computed from its components needs no Tiny id of its own; '' marks it unknown.
    return rows.map((row) => ({ sku: row.kit_sku, tinyCode: null, tinyProductId: row.tiny_product_id ?? '' }));
  }

  /** How many kits Tiny's component balances allow, as a decimal string for the stock rule. */
  async balance(connectionId: string, components: KitComponent[], tiny: TinyClient, stockType: StockType): Promise<string> {
    let kits: bigint | undefined;
    for (const component of components) {
      const productId = component.tinyProductId ?? (await this.findComponent(connectionId, component.sku, tiny));
      const available = productId === undefined ? 0n : parseScaled(balanceOfKind(await tiny.getProductStock(productId), stockType));
      const perKit = parseScaled(component.quantity);
      const possible = available <= 0n || perKit <= 0n ? 0n : available / perKit;
      kits = kits === undefined || possible < kits ? possible : kits;
    }
    return String(kits ?? 0n);
  }

  /** A component never announced by Tiny: found by its code (a SKU without a mapping is Tiny's code). */
  private async findComponent(connectionId: string, sku: string, tiny: TinyClient): Promise<string | undefined> {
    const found = await new TinyProductsApi(tiny).findProductByCode(sku);
    if (!found) return undefined;
    await this.stock.rememberProduct(connectionId, { sku, tinyCode: found.code, tinyProductId: found.id });
    return found.id;
  }
}
