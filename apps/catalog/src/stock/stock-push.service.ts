import { Injectable, Logger } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { IderisCatalogApi } from '@hub/ideris';
import { counter, histogram } from '@hub/platform';
import { TinyProductsApi, type TinyClient } from '@hub/tiny';
import { ConnectionClients } from '@hub/integrations';
import type { KitStockSource } from '@hub/contracts';
import { balanceOfKind, desiredQuantity, type StockRuleSettings } from './domain/stock-rule';
import { STOCK_PUSH_FAILURES, type StockProblemKind } from './stock-push.errors';
import { KitStock, type KitComponent } from './kit-stock';
import { Batcher } from '../common/batcher';
import { PRODUCT_TO_FIND, StockRepository, type FinishedStock, type PendingStock } from './stock.repository';

const pushes = counter(
  'hub_catalog_stock_pushes_total',
  'Pending stock values by outcome: pushed, unchanged (Ideris already held it), superseded (changed while waiting for the budget; taken next round), problem, retry',
  ['outcome'],
);
const unknownProducts = counter('hub_catalog_stock_unknown_products_total', 'Imported order codes Tiny has no product for (their stock is not re-read)');
const latency = histogram('hub_catalog_stock_push_latency_seconds', 'From the gateway receiving a stock notification to Ideris confirming the value', [], [0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300]);

/** SKUs taken per round: one Ideris SKU search (pages of 50) learns what Ideris holds for the new ones. */
export const STOCK_BATCH = 50;
/** A push whose budget slot came later than this reads its row again in the slot (the value may have changed). */
const SLOT_WAIT_REREAD_MS = 250;
/** A batch read less than this ago is pushed as read, without reading each row again. */
const FRESH_BATCH_MS = 500;
/** Pushes in flight per connection; the API budget spaces them and caps Ideris concurrency anyway. */
const PUSHES_IN_FLIGHT = 16;

interface BatchContext {
  connectionId: string;
  tiny: TinyClient;
  catalog: IderisCatalogApi;
  settings: StockRuleSettings & { kitStock?: KitStockSource };
  known: Map<string, number>;
  /** Kits of this batch whose stock comes from their components (settings.kitStock = 'components'). */
  kits: Map<string, KitComponent[]>;
}

/**
 * One round of stock pushes for one connection. Ideris writes wait in the **normal** lane of its API budget (a
 * sold-out value in the real-time lane): on an Ideris account that order imports also read (real-time), an order
 * is read first, and a SKU's changes that queue meanwhile coalesce into one write (the row is read again in the
 * slot); the normal lane's reserved turn bounds the wait (ADR 0030). With nothing else waiting, a write goes at once.
 */
@Injectable()
export class StockPushService {
  private readonly logger = new Logger(StockPushService.name);

  /**
   * The pushes in flight (every connection's) read their rows again and record their outcome together: one
   * statement for the rows asked meanwhile, instead of a round trip per push.
   */
  private readonly rereads: Batcher<PendingStock, PendingStock | undefined>;
  private readonly finishes: Batcher<FinishedStock, undefined>;

  constructor(private readonly clients: ConnectionClients, private readonly stock: StockRepository, private readonly kitStock: KitStock) {
    this.rereads = new Batcher((rows) => this.stock.currentMany(rows), { max: 256 });
    this.finishes = new Batcher(async (items) => {
      await this.stock.recordFinished(items);
      return items.map(() => undefined);
    }, { max: 256, keyOf: (item) => `${item.row.connection_id}\u0000${item.row.sku}` });
  }

  /** Pushes up to one batch of due SKUs; returns how many were taken (0: nothing due). */
  async pushDue(connectionId: string, keepLease: () => Promise<boolean>): Promise<number> {
    const rows = await this.stock.due(connectionId, STOCK_BATCH);
    if (rows.length === 0) return 0;
    const { tiny, ideris, connection } = await this.clients.forActive(connectionId);
    const catalog = new IderisCatalogApi(ideris);
    await runInLane('normal', async () => {
      // A SKU queued because of an imported order: Ideris's own count may have moved with the sale, so it is read
      // too, unless the hub has written it since the re-read was asked.
      const recheck = rows.filter((row) => row.reason === 'order-imported');
      const known = await this.learnIderisQuantities(connectionId, catalog, rows.map((row) => row.sku), recheck);
      const kits = connection.settings.kitStock === 'components' ? await this.kitStock.compositions(connectionId, rows.map((row) => row.sku)) : new Map<string, KitComponent[]>();
      const context: BatchContext = { connectionId, tiny, catalog, settings: connection.settings, known, kits };
      await eachWithLimit(rows, PUSHES_IN_FLIGHT, async (row) => {
        if (await keepLease()) await this.pushOne(row, context);
      });
    });
    return rows.length;
  }

  /**
   * What Ideris holds, for the SKUs the hub has never pushed or read, so the first push of a SKU is not a
   * no-op either, and for an imported order's SKUs whose count the hub has not written since the re-read was asked
   * (a marketplace sale may have moved it; a write sent after the sale was learned is what Ideris holds). One search
   * call per batch; on failure the pushes go ahead without it.
   */
  private async learnIderisQuantities(connectionId: string, catalog: IderisCatalogApi, skus: string[], recheckRows: PendingStock[]): Promise<Map<string, number>> {
    const states = await this.stock.knownStates(connectionId, skus);
    const known = new Map([...states].map(([sku, state]) => [sku, state.quantity]));
    const recheck = recheckRows
      .filter((row) => {
        const state = states.get(row.sku);
        return !state || row.noticed_ms === undefined || state.learnedMs < row.noticed_ms;
      })
      .map((row) => row.sku);
    const unknown = skus.filter((sku) => !known.has(sku) || recheck.includes(sku));
    if (unknown.length === 0) return known;
    try {
      const read = new Map<string, number>();
      const readStartedAt = new Date();
      for (const found of await catalog.searchSkus(unknown)) if (unknown.includes(found.sku)) read.set(found.sku, found.currentStock);
      await this.stock.recordIderisQuantities(connectionId, new Map([...read].filter(([sku]) => !recheck.includes(sku))));
      for (const sku of recheck) if (read.has(sku)) await this.stock.correctIderisQuantity(connectionId, sku, read.get(sku)!, readStartedAt);
      for (const [sku, quantity] of read) known.set(sku, quantity);
    } catch (error) {
      this.logger.warn({ msg: 'Ideris SKU read failed; pushing without it', connectionId, err: (error as Error).message });
    }
    return known;
  }

  /**
   * The Tiny product of a row: as queued, or, for an imported order's code no notification has named yet
   * (`PRODUCT_TO_FIND`), what the hub learned since or Tiny's product with that code (a search, in the caller's lane),
   * remembered for the next time; undefined when Tiny has none.
   */
  private async productOf(row: PendingStock, context: BatchContext): Promise<string | undefined> {
    if (row.tiny_product_id !== PRODUCT_TO_FIND) return row.tiny_product_id;
    let productId = (await this.stock.productsBySku(context.connectionId, [row.sku])).get(row.sku)?.tinyProductId;
    if (productId === undefined) {
      const found = await new TinyProductsApi(context.tiny).findProductByCode(row.sku);
      if (!found) {
        unknownProducts.inc();
        this.logger.warn({ msg: 'imported order names a product Tiny does not have; its stock is not re-read', connectionId: context.connectionId, code: row.sku });
        return undefined;
      }
      productId = found.id;
      await this.stock.rememberProduct(context.connectionId, { sku: row.sku, tinyCode: row.sku, tinyProductId: productId });
    }
    await this.stock.setPendingProduct(row, productId);
    return productId;
  }

  private async pushOne(taken: PendingStock, context: BatchContext): Promise<void> {
    // Read again just before the push when the batch has waited (for the budget, for other pushes): the latest
    // value wins. A fresh batch is pushed as read; a value that replaced it meanwhile stays pending (the row is
    // finished by compare-and-delete) and goes next.
    const row = Date.now() - (taken.read_at ?? 0) < FRESH_BATCH_MS ? taken : await this.rereads.submit(taken);
    if (!row) return;
    let desired = row.desired_qty;
    try {
      const kit = context.kits.get(row.sku);
      if (desired === null || kit) {
        // A kit counted from its components: as many as the scarcest component allows (never the kit's own balance).
        // Tiny is read in the normal lane: an order being created in Tiny (real-time) never waits behind a re-read.
        const balance = await runInLane('normal', async () => {
          if (kit) return await this.kitStock.balance(context.connectionId, kit, context.tiny, context.settings.stockType);
          const productId = await this.productOf(row, context);
          return productId === undefined ? undefined : balanceOfKind(await context.tiny.getProductStock(productId), context.settings.stockType);
        });
        if (balance === undefined) {
          await this.stock.dropUnknownProduct(row);
          return;
        }
        desired = desiredQuantity(balance, context.settings.safetyBuffer);
        if (row.desired_qty !== desired) await this.stock.resolveFromTiny(row, balance, desired);
      }
      const previous = context.known.get(row.sku) ?? null;
      if (previous === desired) {
        await this.finishes.submit({ row, quantity: desired, pushed: false, previous });
        pushes.inc({ outcome: 'unchanged' });
        return;
      }
      // The value is settled once the budget grants the call: when the slot took a while (a binding budget), the
      // row is read again then, so the push carries the latest value, not the one from before the wait. A SKU sold
      // out waits in the real-time lane: a marketplace must stop selling it before any other write or order read.
      const asked = Date.now();
      let pushed: PendingStock = row;
      let skipped: 'changed' | 'unchanged' | undefined;
      const decided = desired;
      let sentAt: number | undefined;
      const sent = await runInLane(decided === 0 ? 'realtime' : 'normal', () => context.catalog.setLatestSkuStock(row.sku, async () => {
        sentAt = Date.now(); // the slot came: the value is settled now and sent right after
        if (sentAt - asked < SLOT_WAIT_REREAD_MS) return decided;
        const latest = await this.rereads.submit(row);
        if (!latest || latest.desired_qty === null) {
          skipped = 'changed'; // gone (handled), or needs a Tiny read: the next round takes it
          return undefined;
        }
        pushed = latest;
        if (latest.desired_qty === previous) {
          skipped = 'unchanged';
          return undefined;
        }
        return latest.desired_qty;
      }));
      if (sent === undefined) {
        if (skipped === 'unchanged') await this.finishes.submit({ row: pushed, quantity: pushed.desired_qty!, pushed: false, previous });
        pushes.inc({ outcome: skipped === 'unchanged' ? 'unchanged' : 'superseded' });
        return;
      }
      context.known.set(row.sku, sent);
      await this.finishes.submit({ row: pushed, quantity: sent, pushed: true, previous, sentAt });
      pushes.inc({ outcome: 'pushed' });
      if (pushed.received_ms !== null) latency.observe(Math.max(0, Date.now() - pushed.received_ms) / 1000);
    } catch (error) {
      const failure = STOCK_PUSH_FAILURES.classify(error, row.attempts + 1);
      if (failure.action === 'refuse') {
        pushes.inc({ outcome: 'problem' });
        this.logger.warn({ msg: 'stock push refused', connectionId: row.connection_id, sku: row.sku, problem: failure.code, detail: failure.detail });
        await this.stock.recordProblem(row, failure.code as StockProblemKind, failure.detail, desired);
      } else {
        pushes.inc({ outcome: 'retry' });
        await this.stock.recordRetry(row, failure.detail, failure.delayMs);
      }
    }
  }
}

async function eachWithLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
