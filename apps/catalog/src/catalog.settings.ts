import { IsOptional, Matches } from 'class-validator';
import { Switch } from '@hub/platform';

/** What catalog reads from its environment besides the common config (validated once, at start). */
export class CatalogSettings {
  /** The stock pusher (`off`: this replica pushes no stock). */
  @Switch()
  CATALOG_STOCK_PUSH: 'on' | 'off' = 'on';

  /** The price pusher. */
  @Switch()
  CATALOG_PRICE_PUSH: 'on' | 'off' = 'on';

  /** The product pusher (Tiny → Ideris). */
  @Switch()
  CATALOG_PRODUCT_PUSH: 'on' | 'off' = 'on';

  /** The product import writer and its schedule (Ideris → Tiny). */
  @Switch()
  CATALOG_PRODUCT_IMPORT: 'on' | 'off' = 'on';

  /** The stock sweep (every Ideris SKU compared with Tiny). */
  @Switch()
  CATALOG_STOCK_SWEEP: 'on' | 'off' = 'on';

  /** Reading Tiny's stock-change queue (for connections with settings.stockUpdatesFeed). */
  @Switch()
  CATALOG_STOCK_FEED: 'on' | 'off' = 'on';

  /**
   * Milliseconds an imported order's stock re-read waits for the sale's own Tiny notification before reading Tiny
   * (`ORDER_RECHECK_SETTLE_MS`, 20 s, when unset; `0`: at once). Read by the order-stock recheck.
   */
  @IsOptional()
  @Matches(/^\d+$/, { message: 'CATALOG_ORDER_RECHECK_SETTLE_MS must be a whole number of milliseconds' })
  CATALOG_ORDER_RECHECK_SETTLE_MS?: string;

  /** Hours between two imports of every connection's Ideris catalogue; `0` or `off` turns the schedule off. */
  @IsOptional()
  @Matches(/^(off|\d+(\.\d+)?)$/, { message: 'CATALOG_PRODUCT_IMPORT_EVERY_HOURS must be a number of hours, 0 or off' })
  CATALOG_PRODUCT_IMPORT_EVERY_HOURS = '24';
}
