import { Injectable, Logger } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { IderisApiError, IderisCatalogApi, type IderisListingModel } from '@hub/ideris';
import { ConnectionClients } from '@hub/integrations';
import { counter } from '@hub/platform';
import { TinyApiError, TinyProductsApi, type TinyProductNotice } from '@hub/tiny';
import { iderisChangesOf, iderisDraftFromNotice } from '../domain/product-drafts';
import { iderisFingerprint, iderisViewOfDraft, tinyFingerprint, tinyViewOfNotice } from '../domain/product-fingerprints';
import { PRODUCT_WRITE_FAILURES, ProductRefusal } from '../product-write.errors';
import { ProductSyncRepository, type ProductSyncRow } from '../product-sync.repository';

export const productWrites = counter('hub_catalog_product_writes_total', 'Product writes by target (ideris, tiny) and outcome: created, updated, adopted, unchanged, refused, retry', ['target', 'outcome']);

/** Products taken per round. */
const PUSH_BATCH = 10;

interface PushContext {
  tiny: TinyProductsApi;
  catalog: IderisCatalogApi;
  safetyBuffer: number;
}

/**
 * Tiny → Ideris: one round of product pushes for a connection, in the normal lane (a seller pressed "send"). Each
 * product becomes one listing model with its SKUs (variants, kit, images, EAN, NCM, weights). A create is
 * journaled before the call, so after a crash the listing model is looked up by SKU before any new create: one
 * listing model per SKU, whatever happens.
 */
@Injectable()
export class IderisProductPushService {
  private readonly logger = new Logger(IderisProductPushService.name);

  constructor(private readonly clients: ConnectionClients, private readonly products: ProductSyncRepository) {}

  async pushDue(connectionId: string, keepLease: () => Promise<boolean>): Promise<number> {
    const rows = await this.products.due(connectionId, 'to-ideris', PUSH_BATCH);
    if (rows.length === 0) return 0;
    const { tiny, ideris, connection } = await this.clients.forActive(connectionId);
    const context: PushContext = { tiny: new TinyProductsApi(tiny), catalog: new IderisCatalogApi(ideris), safetyBuffer: connection.settings.safetyBuffer };
    await runInLane('normal', async () => {
      for (const row of rows) {
        if (!(await keepLease())) return;
        await this.pushOne(row, context);
      }
    });
    return rows.length;
  }

  private async pushOne(row: ProductSyncRow, context: PushContext): Promise<void> {
    if (!(await this.products.claim(row))) return;
    const notice = row.payload as TinyProductNotice;
    try {
      const componentSkus = await this.kitComponents(row.connection_id, notice, context);
      const draft = iderisDraftFromNotice(notice, componentSkus, context.safetyBuffer);
      const iderisPrint = iderisFingerprint(iderisViewOfDraft(draft));
      const tinyPrint = tinyFingerprint(tinyViewOfNotice(notice));
      if (draft.kit?.length) await this.products.setKit(this.products.dataSource.manager, row.connection_id, row.sku, draft.kit, 'tiny');
      const [root] = await this.products.bindings(row.connection_id, { skus: [row.sku] });
      const knownId = root?.ideris_listing_model_id ? Number(root.ideris_listing_model_id) : undefined;
      if (knownId !== undefined && iderisPrint === row.ideris_fingerprint) {
        await this.done(row, 'unchanged', tinyPrint, iderisPrint);
        return;
      }
      // A create journaled but not confirmed may have gone through: find it before creating anything.
      let model = knownId === undefined && row.ideris_create_sent_at ? await this.findBySku(context, row.sku) : undefined;
      let outcome: 'created' | 'updated' | 'adopted';
      if (knownId === undefined && !model) {
        await this.products.announce(row, { iderisPendingFingerprint: iderisPrint, iderisCreateSent: true });
        try {
          model = await context.catalog.createListingModel(draft);
          outcome = 'created';
        } catch (error) {
          if (!(error instanceof IderisApiError && error.httpStatus === 409)) throw error;
          // The SKU is Ideris's already (registered there before, or created by a lost answer): adopt it.
          const existing = await this.findBySku(context, row.sku);
          if (!existing) throw new ProductRefusal(`Ideris refused the SKUs (${error.detail ?? 'taken'}): a variation SKU belongs to another listing model`);
          model = (await context.catalog.updateListingModel(existing.id, iderisChangesOf(draft))) ?? existing;
          outcome = 'adopted';
        }
      } else {
        await this.products.announce(row, { iderisPendingFingerprint: iderisPrint });
        const id = knownId ?? model!.id;
        try {
          model = (await context.catalog.updateListingModel(id, iderisChangesOf(draft))) ?? model;
        } catch (error) {
          // The listing model was deleted in Ideris: forget it, and the retry creates it again.
          if (error instanceof IderisApiError && error.kind === 'not-found') await this.products.forgetIderisIds(row.connection_id, row.sku);
          throw error instanceof IderisApiError && error.kind === 'not-found' ? new Error(`listing model ${id} is gone from Ideris; it will be created again`) : error;
        }
        outcome = knownId === undefined ? 'adopted' : 'updated';
      }
      await this.record(row, model!, outcome, tinyPrint, iderisPrint);
    } catch (error) {
      await this.failed(row, error);
    }
  }

  /** Kit components by SKU: from the bindings, else read from Tiny once (and bound). */
  private async kitComponents(connectionId: string, notice: TinyProductNotice, context: PushContext): Promise<Map<string, string>> {
    const ids = notice.kit.map((item) => item.tinyProductId);
    if (ids.length === 0) return new Map();
    const skus = new Map((await this.products.bindings(connectionId, { tinyProductIds: ids })).map((binding) => [binding.tiny_product_id!, binding.sku] as const));
    for (const id of ids.filter((candidate) => !skus.has(candidate))) {
      const product = await context.tiny.getProduct(id).catch((error: unknown) => {
        if (error instanceof TinyApiError && error.kind === 'not-found') throw new ProductRefusal(`kit component ${id} is not in Tiny`);
        throw error;
      });
      if (!product.sku) throw new ProductRefusal(`kit component ${id} (${product.name}) has no code (SKU) in Tiny`);
      await this.products.bind(this.products.dataSource.manager, connectionId, [{ sku: product.sku, rootSku: product.sku, kind: product.variationType === 'V' ? 'variation' : 'simple', tinyProductId: id }]);
      skus.set(id, product.sku);
    }
    return skus;
  }

  private async findBySku(context: PushContext, sku: string): Promise<IderisListingModel | undefined> {
    return (await context.catalog.searchListingModels({ sku })).find((model) => model.sku === sku);
  }

  private async record(row: ProductSyncRow, model: IderisListingModel, outcome: 'created' | 'updated' | 'adopted', tinyPrint: string, iderisPrint: string): Promise<void> {
    await this.products.dataSource.transaction(async (m) => {
      await this.products.bind(m, row.connection_id, [
        { sku: row.sku, rootSku: row.sku, kind: row.kind, iderisListingModelId: model.id, iderisSkuId: model.skuId },
        ...model.variants.flatMap((variant) =>
          variant.sku ? [{ sku: variant.sku, rootSku: row.sku, kind: 'variation' as const, iderisListingModelId: model.id, iderisSkuId: variant.skuId, iderisVariantId: variant.id }] : [],
        ),
      ]);
      await this.products.finish(m, row, { outcome: `ideris-${outcome}`, tinyFingerprint: tinyPrint, tinyFrom: 'tiny', iderisFingerprint: iderisPrint, iderisFrom: 'hub', detail: `listing model ${model.id}` });
    });
    productWrites.inc({ target: 'ideris', outcome });
  }

  private async done(row: ProductSyncRow, outcome: 'unchanged', tinyPrint: string, iderisPrint: string): Promise<void> {
    await this.products.dataSource.transaction((m) => this.products.finish(m, row, { outcome: `ideris-${outcome}`, tinyFingerprint: tinyPrint, tinyFrom: 'tiny', iderisFingerprint: iderisPrint }));
    productWrites.inc({ target: 'ideris', outcome });
  }

  private async failed(row: ProductSyncRow, error: unknown): Promise<void> {
    const failure = PRODUCT_WRITE_FAILURES.classify(error, row.attempts + 1);
    if (failure.action === 'refuse') {
      productWrites.inc({ target: 'ideris', outcome: 'refused' });
      this.logger.warn({ msg: 'product push refused', connectionId: row.connection_id, sku: row.sku, detail: failure.detail });
      await this.products.fail(row, failure.detail);
    } else {
      productWrites.inc({ target: 'ideris', outcome: 'retry' });
      await this.products.retry(row, failure.detail, failure.delayMs);
    }
  }
}
