import { Injectable, Logger } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { Consumers, OrderEvents, type OrderImportedV1 } from '@hub/contracts';
import { ConnectionDirectory, flowEnabled, recordFlowSkip } from '@hub/connections';
import { ConnectionClients } from '@hub/integrations';
import { JetStreamHandler, type MessageContext } from '@hub/messaging';
import { bindConnection, counter } from '@hub/platform';
import { TinyProductsApi } from '@hub/tiny';
import { KitStock } from './kit-stock';
import { StockPusher } from './stock-pusher';
import { StockRepository, type StockProductRef } from './stock.repository';

const rechecks = counter('hub_catalog_stock_order_rechecks_total', 'SKUs of imported orders queued for a re-read from Tiny, by outcome', ['outcome']);

/**
 * The first reconciliation backstop: every product of an order the hub imported is re-read from Tiny and
 * pushed if Ideris holds something else, so a sale reaches Ideris's stock even when Tiny's `estoque`
 * notification is lost or late. Ideris is re-read for those SKUs too (a marketplace sale lowers Ideris's own
 * count), so the comparison is against what Ideris really holds.
 */
@Injectable()
export class OrderStockRecheckHandler {
  private readonly logger = new Logger(OrderStockRecheckHandler.name);

  constructor(
    private readonly directory: ConnectionDirectory,
    private readonly clients: ConnectionClients,
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
    const missing = codes.filter((code) => !known.some((p) => p.tinyCode === code || p.sku === code));
    if (missing.length > 0) {
      // Never announced by a stock notification: find the product in Tiny by its code (a SKU without a mapping is its code).
      const { tiny } = await this.clients.forActive(connectionId);
      const api = new TinyProductsApi(tiny);
      await runInLane('normal', async () => {
        for (const code of missing) {
          const found = await api.findProductByCode(code);
          if (!found) {
            rechecks.inc({ outcome: 'unknown-product' });
            this.logger.warn({ msg: 'imported order names a product Tiny does not have; its stock is not re-read', connectionId, iderisOrderId, code });
            continue;
          }
          const ref = { sku: code, tinyCode: code, tinyProductId: found.id };
          await this.stock.rememberProduct(connectionId, ref);
          products.push(ref);
        }
      });
    }
    let queued = await this.stock.requestReread(connectionId, products, 'order-imported');
    if (connection.settings.kitStock === 'components' && products.length > 0) {
      // A sold component changes how many of its kits can be assembled.
      queued += await this.stock.requestReread(connectionId, await this.kits.kitsContaining(connectionId, products.map((p) => p.sku)), 'kit');
    }
    rechecks.inc({ outcome: 'queued' }, queued);
    if (queued > 0) this.pusher.wake(connectionId);
  }
}
