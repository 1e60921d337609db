import { Injectable, Logger } from '@nestjs/common';
import { Consumers, OrderEvents, type OrderImportedV1 } from '@hub/contracts';
import { ConnectionDirectory, flowEnabled, recordFlowSkip } from '@hub/connections';
import { JetStreamHandler, type MessageContext } from '@hub/messaging';
import { bindConnection, counter } from '@hub/platform';
import { KitStock } from './kit-stock';
import { StockPusher } from './stock-pusher';
import { PRODUCT_TO_FIND, StockRepository, type StockProductRef } from './stock.repository';

const rechecks = counter('hub_catalog_stock_order_rechecks_total', 'SKUs of imported orders queued for a re-read from Tiny, by outcome', ['outcome']);

/**
 * How long an imported order's re-read waits before the push reads Tiny. The order's own stock posting (or Tiny's
 * own reaction to the sale) makes Tiny send the SKU's `estoque` notification within seconds; that notification
 * replaces the waiting re-read and is pushed at once, so the read is only made when it does not come (ADR 0030).
 */
export const ORDER_RECHECK_SETTLE_MS = 20_000;

/** `ORDER_RECHECK_SETTLE_MS`, or `CATALOG_ORDER_RECHECK_SETTLE_MS` (milliseconds; `0`: re-read at once). */
export function orderRecheckSettleMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['CATALOG_ORDER_RECHECK_SETTLE_MS'];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : ORDER_RECHECK_SETTLE_MS;
}

/**
 * The first reconciliation backstop: every product of an order the hub imported is re-read from Tiny and
 * pushed if Ideris holds something else, so a sale reaches Ideris's stock even when Tiny's `estoque`
 * notification is lost or late. Ideris is re-read for those SKUs too (a marketplace sale lowers Ideris's own
 * count), so the comparison is against what Ideris really holds.
 *
 * Nothing is read here: the SKUs are queued to settle (`orderRecheckSettleMs`), and a code the hub has never
 * heard of is queued to be found in Tiny by the pusher (`PRODUCT_TO_FIND`), only if no notification names it first.
 */
@Injectable()
export class OrderStockRecheckHandler {
  private readonly logger = new Logger(OrderStockRecheckHandler.name);

  constructor(
    private readonly directory: ConnectionDirectory,
    private readonly stock: StockRepository,
    private readonly pusher: StockPusher,
    private readonly kits: KitStock,
  ) {}

  @JetStreamHandler(Consumers.catalogImportedOrders, OrderEvents.imported, { concurrency: 4, inbox: false })
  async handle(ctx: MessageContext<OrderImportedV1>): Promise<void> {
    const { connectionId, iderisOrderId } = ctx.payload;
    bindConnection(connectionId);
    const codes = [...new Set(ctx.payload.skus.map((code) => code.trim()).filter((code) => code !== ''))];
    if (codes.length === 0) return;
    const connection = await this.directory.get(connectionId);
    if (connection?.situation !== 'active') return;
    if (!flowEnabled(connection, 'stock')) {
      recordFlowSkip(this.logger, { flow: 'stock', connectionId, what: 'stock re-read of an imported order', iderisOrderId });
      return;
    }
    const known = await this.stock.productsByCode(connectionId, codes);
    const products: StockProductRef[] = [...known];
    // Never announced by a stock notification: the pusher finds the product in Tiny by its code (a SKU without a
    // mapping is its code) if the sale's notification has not named it by then.
    const missing = codes.filter((code) => !known.some((p) => p.tinyCode === code || p.sku === code));
    products.push(...missing.map((code) => ({ sku: code, tinyCode: code, tinyProductId: PRODUCT_TO_FIND })));
    if (missing.length > 0) rechecks.inc({ outcome: 'product-to-find' }, missing.length);
    let queued = await this.stock.requestReread(connectionId, products, 'order-imported', orderRecheckSettleMs());
    if (connection.settings.kitStock === 'components' && products.length > 0) {
      // A sold component changes how many of its kits can be assembled.
      queued += await this.stock.requestReread(connectionId, await this.kits.kitsContaining(connectionId, products.map((p) => p.sku)), 'kit');
    }
    rechecks.inc({ outcome: 'queued' }, queued);
    if (queued > 0) this.pusher.wake(connectionId);
  }
}
