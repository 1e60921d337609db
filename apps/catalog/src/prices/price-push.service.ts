import { Injectable, Logger } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { IderisCatalogApi, type IderisListingModel } from '@hub/ideris';
import { counter } from '@hub/platform';
import { centsToDecimal, toDecimalString, TinyProductsApi, type TinyClient } from '@hub/tiny';
import { ConnectionClients } from '@hub/integrations';
import { centsToReais, computePriceCents, dropPercent, needsConfirmation, reaisToCents, ruleForListingModel } from './domain/price-rule';
import { PRICE_PUSH_FAILURES, PriceProblem, type PriceProblemKind } from './price-push.errors';
import { PricesRepository, type ConfirmationRow, type PendingPrice, type PricedPending, type PriceRuleSet } from './prices.repository';
import { StockRepository } from '../stock/stock.repository';

const pushes = counter('hub_catalog_price_pushes_total', 'Listing model prices by outcome: pushed, unchanged, parked (drop guard), confirmed, problem, retry', ['outcome']);

/** SKUs taken per round. */
export const PRICE_BATCH = 20;

interface RoundContext {
  tiny: TinyClient;
  catalog: IderisCatalogApi;
  set: PriceRuleSet;
  /** Tiny price list id → its percentage, read once per round when a rule names one. */
  priceLists?: Map<string, string>;
}

export type ConfirmOutcome = { kind: 'pushed'; cents: number } | { kind: 'not-pending'; status: string };

/** One round of price pushes for one connection, in the normal lane of its API budget. */
@Injectable()
export class PricePushService {
  private readonly logger = new Logger(PricePushService.name);

  constructor(
    private readonly clients: ConnectionClients,
    private readonly prices: PricesRepository,
    private readonly products: StockRepository,
  ) {}

  /** Handles up to one batch of due SKUs; returns how many were taken (0: nothing due). */
  async pushDue(connectionId: string, keepLease: () => Promise<boolean>): Promise<number> {
    const rows = await this.prices.due(connectionId, PRICE_BATCH);
    if (rows.length === 0) return 0;
    const { tiny, ideris } = await this.clients.forActive(connectionId);
    const context: RoundContext = { tiny, catalog: new IderisCatalogApi(ideris), set: await this.prices.rules(connectionId) };
    await runInLane('normal', async () => {
      for (const row of rows) {
        if (!(await keepLease())) return;
        await this.pushOne(row, context);
      }
    });
    return rows.length;
  }

  /** An operator confirmed a parked drop: push it (the caller holds the connection's lease). */
  async confirm(row: ConfirmationRow): Promise<ConfirmOutcome> {
    const current = await this.prices.confirmation(row.connection_id, row.id);
    if (!current || current.status !== 'pending') return { kind: 'not-pending', status: current?.status ?? 'unknown' };
    const { ideris } = await this.clients.forActive(row.connection_id);
    await runInLane('normal', () => new IderisCatalogApi(ideris).setListingModelPrice(Number(current.listing_model_id), centsToReais(current.new_cents)));
    await this.prices.recordPushed(current.connection_id, current.sku, {
      listingModelId: Number(current.listing_model_id),
      marketplace: current.marketplace,
      cents: current.new_cents,
      previous: current.old_cents,
      sourceSeq: current.source_seq,
      confirmationId: current.id,
    });
    pushes.inc({ outcome: 'confirmed' });
    return { kind: 'pushed', cents: current.new_cents };
  }

  private async pushOne(row: PendingPrice, context: RoundContext): Promise<void> {
    try {
      const models = await context.catalog.searchListingModels({ sku: row.sku });
      if (models.length === 0) throw new PriceProblem('unknown-sku', `Ideris has no listing model for SKU ${row.sku}`);
      const known = await this.prices.knownPrices(row.connection_id, models.map((model) => model.id));
      const priced: PricedPending = row.tiny_price === null ? await this.readTinyPrice(row, context.tiny) : { ...row, tiny_price: row.tiny_price };
      for (const model of models) await this.priceModel(priced, model, known.get(model.id), context);
      await this.prices.recordDone(row);
    } catch (error) {
      const failure = PRICE_PUSH_FAILURES.classify(error, row.attempts + 1);
      if (failure.action === 'refuse') {
        pushes.inc({ outcome: 'problem' });
        this.logger.warn({ msg: 'price push refused', connectionId: row.connection_id, sku: row.sku, problem: failure.code, detail: failure.detail });
        await this.prices.recordProblem(row, failure.code as PriceProblemKind, failure.detail);
      } else {
        pushes.inc({ outcome: 'retry' });
        await this.prices.recordRetry(row, failure.detail, failure.delayMs);
      }
    }
  }

  private async priceModel(row: PricedPending, model: IderisListingModel, pushedCents: number | undefined, context: RoundContext): Promise<void> {
    const rule = ruleForListingModel(context.set.rules, model.id);
    const listPercent = rule.priceListId ? await this.priceListPercent(rule.priceListId, context) : undefined;
    const target = computePriceCents({ price: row.tiny_price, promotionalPrice: row.tiny_promotional_price }, rule, listPercent);
    if (target === undefined || target <= 0) {
      throw new PriceProblem('no-price', `the rule of ${rule.marketplace} gives no positive price for SKU ${row.sku} (Tiny ${row.tiny_price} / ${row.tiny_promotional_price ?? '-'})`);
    }
    // What Ideris holds: the hub's last push, else what the listing model read just now says.
    let previous = pushedCents ?? null;
    if (previous === null && model.value !== undefined) {
      previous = reaisToCents(model.value);
      await this.prices.recordIderisPrice(row.connection_id, row.sku, model.id, rule.marketplace, previous);
    }
    if (previous === target) {
      await this.prices.recordUnchanged(row.connection_id, model.id);
      pushes.inc({ outcome: 'unchanged' });
      return;
    }
    if (needsConfirmation(previous, target, context.set.maxDropPercent)) {
      await this.prices.park(row, { listingModelId: model.id, marketplace: rule.marketplace, oldCents: previous!, newCents: target, dropPercent: dropPercent(previous!, target) });
      pushes.inc({ outcome: 'parked' });
      this.logger.log({ msg: 'price drop parked for confirmation', connectionId: row.connection_id, sku: row.sku, listingModelId: model.id, oldCents: previous, newCents: target });
      return;
    }
    await context.catalog.setListingModelPrice(model.id, centsToReais(target));
    await this.prices.recordPushed(row.connection_id, row.sku, { listingModelId: model.id, marketplace: rule.marketplace, cents: target, previous, sourceSeq: row.source_seq });
    pushes.inc({ outcome: 'pushed' });
  }

  /**
   * Tiny's price now, for a notification that was not trusted (it reached the hub close to another of the SKU).
   * The Tiny product is the one stock or the products sync know for the SKU, else found by its code and remembered.
   */
  private async readTinyPrice(row: PendingPrice, tiny: TinyClient): Promise<PricedPending> {
    const api = new TinyProductsApi(tiny);
    let productId = (await this.products.productsBySku(row.connection_id, [row.sku])).get(row.sku)?.tinyProductId;
    if (!productId) {
      const code = row.tiny_code ?? row.sku;
      const found = await api.findProductByCode(code);
      if (!found) throw new PriceProblem('tiny-product-unknown', `Tiny has no product with code ${code} (SKU ${row.sku}) to read its price from`);
      await this.products.rememberProduct(row.connection_id, { sku: row.sku, tinyCode: found.code, tinyProductId: found.id });
      productId = found.id;
    }
    const product = await api.getProduct(productId);
    if (product.priceCents === undefined) throw new PriceProblem('no-price', `Tiny product ${productId} (SKU ${row.sku}) has no price`);
    // In the notification's canonical form ("47.5"), as the drop guard's queue shows it.
    const decimal = (cents: number): string => toDecimalString(centsToDecimal(cents)) ?? '0';
    const promotional = product.promotionalPriceCents;
    return { ...row, tiny_price: decimal(product.priceCents), tiny_promotional_price: promotional ? decimal(promotional) : null };
  }

  private async priceListPercent(priceListId: string, context: RoundContext): Promise<string> {
    context.priceLists ??= await readPriceLists(context.tiny);
    const percent = context.priceLists.get(priceListId);
    if (percent === undefined) throw new PriceProblem('price-list-unknown', `Tiny has no price list ${priceListId}`);
    return percent;
  }
}

/** The account's price lists: id → adjustment percent (negative = discount). */
async function readPriceLists(tiny: TinyClient): Promise<Map<string, string>> {
  return new Map((await new TinyProductsApi(tiny).searchPriceLists()).map((list) => [list.id, list.adjustmentPercent]));
}
