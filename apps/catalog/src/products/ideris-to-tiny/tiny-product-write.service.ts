import { Injectable, Logger } from '@nestjs/common';
import { TINY_MAX_BATCH_RECORDS, type TinyBatchRecordResult, type TinyProductDraft, type TinyProductsApi } from '@hub/tiny';
import type { IderisProductSnapshot } from '../domain/ideris-product-snapshot';
import { tinyDraftFromSnapshot } from '../domain/product-drafts';
import { iderisFingerprint, iderisViewOfSnapshot, tinyFingerprint, tinyViewOfDraft } from '../domain/product-fingerprints';
import { PRODUCT_WRITE_FAILURES } from '../product-write.errors';
import { ProductSyncRepository, type ProductSyncRow } from '../product-sync.repository';
import { productWrites } from '../tiny-to-ideris/ideris-product-push.service';
import { ProductImportsRepository } from './product-imports.repository';

/** Rows looked at per step (a batch takes at most 20 of them). */
const LOOK_AHEAD = 60;
/** A kit whose components are on their way to Tiny is looked at again after this long. */
const WAIT_FOR_COMPONENTS_MS = 5_000;

export interface WriteContext {
  products: TinyProductsApi;
  /** An import of the connection is still walking Ideris (a kit's component may be on a later page). */
  discovering: boolean;
}

interface Planned {
  row: ProductSyncRow;
  snapshot: IderisProductSnapshot;
  draft: TinyProductDraft;
  tinyPrint: string;
  creating: boolean;
}

/**
 * Ideris → Tiny: one batch per step (≤ 20 products, creates before updates, components before kits), in the bulk
 * lane, so each batch is one of Tiny's 5 batch calls a minute (the shared budget's batch bucket makes the call
 * wait for its slot). Creates are journaled before the call: after a lost answer or a crash, the product is
 * searched by its code before any new create, and Tiny's "duplicate" (30) adopts the product already there.
 */
@Injectable()
export class TinyProductWriteService {
  private readonly logger = new Logger(TinyProductWriteService.name);

  constructor(private readonly products: ProductSyncRepository, private readonly imports: ProductImportsRepository) {}

  /** Writes one batch of the connection's due products; returns how many rows it handled (0: nothing due). */
  async step(connectionId: string, context: WriteContext, keepLease: () => Promise<boolean>): Promise<number> {
    const rows = await this.products.due(connectionId, 'to-tiny', LOOK_AHEAD);
    if (rows.length === 0) return 0;
    const creates: Planned[] = [];
    const updates: Planned[] = [];
    let handled = 0;
    for (const row of rows) {
      // A batch is creates first: once it holds 20, planning more (bindings read, maybe Tiny searched) is wasted.
      if (creates.length >= TINY_MAX_BATCH_RECORDS) break;
      handled += 1;
      try {
        const planned = await this.plan(row, context);
        if (planned) (planned.creating ? creates : updates).push(planned);
      } catch (error) {
        await this.failed(row, error);
      }
    }
    const batch = creates.length > 0 ? creates.slice(0, TINY_MAX_BATCH_RECORDS) : updates.slice(0, TINY_MAX_BATCH_RECORDS);
    if (batch.length > 0 && (await keepLease())) await this.write(batch, context);
    return handled;
  }

  /** The draft of one product, or undefined when it waits, is unchanged, or was settled here. */
  private async plan(row: ProductSyncRow, context: WriteContext): Promise<Planned | undefined> {
    const snapshot = row.payload as IderisProductSnapshot;
    const skus = [snapshot.sku, ...snapshot.variants.map((variant) => variant.sku), ...snapshot.kit.map((item) => item.sku)];
    const bound = new Map((await this.products.bindings(row.connection_id, { skus })).map((binding) => [binding.sku, binding]));
    const componentIds = new Map<string, string>();
    let missing: string[] = [];
    for (const item of snapshot.kit) {
      const id = bound.get(item.sku)?.tiny_product_id;
      if (id) componentIds.set(item.sku, id);
      else missing.push(item.sku);
    }
    if (missing.length > 0) {
      // Components still on their way (queued, or on a page not read yet): the kit waits for them.
      if (context.discovering || (await this.componentsOnTheirWay(row.connection_id, missing))) {
        await this.products.wait(row, `kit components not in Tiny yet: ${missing.join(', ')}`, WAIT_FOR_COMPONENTS_MS);
        return undefined;
      }
      // Otherwise they may be Tiny products the hub never saw: found by code, they are bound.
      for (const sku of missing) {
        const id = await this.adopt(row.connection_id, sku, context, bound.get(sku)?.root_sku);
        if (id) componentIds.set(sku, id);
      }
      missing = missing.filter((sku) => !componentIds.has(sku));
      if (missing.length > 0) {
        await this.failed(row, new Error(`kit components are neither in Tiny nor in Ideris: ${missing.join(', ')}`), true);
        return undefined;
      }
    }
    let tinyId = bound.get(snapshot.sku)?.tiny_product_id ?? undefined;
    // A create journaled but not confirmed may have gone through: look for it before creating anything.
    if (!tinyId && row.tiny_create_sent_at) tinyId = await this.adopt(row.connection_id, snapshot.sku, context, snapshot.sku);
    const creating = !tinyId;
    const draft = tinyDraftFromSnapshot(snapshot, componentIds, creating, tinyId);
    const tinyPrint = tinyFingerprint(tinyViewOfDraft(draft));
    if (!creating && tinyPrint === row.tiny_fingerprint) {
      await this.products.dataSource.transaction((m) => this.products.finish(m, row, { outcome: 'tiny-unchanged', iderisFingerprint: iderisFingerprint(iderisViewOfSnapshot(snapshot)), iderisFrom: 'ideris' }));
      await this.imports.count(row.import_id, 'unchanged');
      productWrites.inc({ target: 'tiny', outcome: 'unchanged' });
      return undefined;
    }
    return { row, snapshot, draft, tinyPrint, creating };
  }

  private async write(batch: Planned[], context: WriteContext): Promise<void> {
    const creating = batch[0]!.creating;
    const claimed: Planned[] = [];
    for (const planned of batch) {
      if (await this.products.claim(planned.row, { tinyPendingFingerprint: planned.tinyPrint, tinyCreateSent: creating })) claimed.push(planned);
    }
    if (claimed.length === 0) return;
    let results: TinyBatchRecordResult[];
    try {
      results = creating ? await context.products.createProducts(claimed.map((planned) => planned.draft)) : await context.products.updateProducts(claimed.map((planned) => planned.draft));
    } catch (error) {
      for (const planned of claimed) await this.failed(planned.row, error);
      return;
    }
    for (const [index, planned] of claimed.entries()) {
      const result = results.find((candidate) => candidate.sequence === index + 1) ?? results[index];
      try {
        await this.settle(planned, result, context);
      } catch (error) {
        await this.failed(planned.row, error);
      }
    }
  }

  private async settle(planned: Planned, result: TinyBatchRecordResult | undefined, context: WriteContext): Promise<void> {
    const { row, snapshot } = planned;
    if (!result) throw new Error('Tiny answered no record for this product');
    if (!result.ok) {
      if (result.kind === 'duplicate' && planned.creating) {
        // Tiny has the code already (the seller's product, or a create whose answer was lost): adopt it, then update it.
        const id = await this.adopt(row.connection_id, snapshot.sku, context, snapshot.sku);
        if (!id) throw new Error(`Tiny says a code of ${snapshot.sku} is taken by another product: ${describe(result)}`);
        await this.products.requeue(row, 'tiny-adopted', `Tiny product ${id}; it is updated next`);
        productWrites.inc({ target: 'tiny', outcome: 'adopted' });
        return;
      }
      if (result.kind === 'not-found' && !planned.creating) {
        await this.products.dataSource.transaction((m) => this.products.forgetTinyIds(m, row.connection_id, row.sku));
        await this.products.requeue(row, 'tiny-gone', 'the product is gone from Tiny; it is created again');
        return;
      }
      if (result.kind && ['transient', 'maintenance', 'rate-limited', 'concurrency-limited'].includes(result.kind)) throw new Error(`Tiny: ${describe(result)}`);
      await this.failed(row, new Error(`Tiny refused the product: ${describe(result)}`), true);
      return;
    }
    const tinyId = result.id ?? planned.draft.id!;
    // Variations are products of their own in Tiny: their ids come from reading the parent.
    const variationIds = new Map<string, string>();
    if ((planned.draft.variations?.length ?? 0) > 0) {
      for (const variation of (await context.products.getProduct(tinyId)).variations) if (variation.sku) variationIds.set(variation.sku, variation.id);
    }
    await this.products.dataSource.transaction(async (m) => {
      await this.products.bind(m, row.connection_id, [
        { sku: snapshot.sku, rootSku: snapshot.sku, kind: row.kind, tinyProductId: tinyId },
        ...snapshot.variants.map((variant) => ({ sku: variant.sku, rootSku: snapshot.sku, kind: 'variation' as const, tinyProductId: variationIds.get(variant.sku) })),
      ]);
      await this.products.finish(m, row, {
        outcome: planned.creating ? 'tiny-created' : 'tiny-updated',
        tinyFingerprint: planned.tinyPrint,
        tinyFrom: 'hub',
        iderisFingerprint: iderisFingerprint(iderisViewOfSnapshot(snapshot)),
        iderisFrom: 'ideris',
        detail: `Tiny product ${tinyId}`,
      });
    });
    await this.imports.count(row.import_id, planned.creating ? 'created' : 'updated');
    productWrites.inc({ target: 'tiny', outcome: planned.creating ? 'created' : 'updated' });
  }

  /** Finds a product in Tiny by its exact code and binds it; undefined when Tiny has none. */
  private async adopt(connectionId: string, sku: string, context: WriteContext, rootSku?: string): Promise<string | undefined> {
    const found = await context.products.findProductByCode(sku);
    if (!found) return undefined;
    await this.products.bind(this.products.dataSource.manager, connectionId, [{ sku, rootSku: rootSku ?? sku, kind: rootSku && rootSku !== sku ? 'variation' : 'simple', tinyProductId: found.id }]);
    return found.id;
  }

  /** True when some of the SKUs belong to products still queued for Tiny. */
  private async componentsOnTheirWay(connectionId: string, skus: string[]): Promise<boolean> {
    const rows: unknown[] = await this.products.dataSource.query(
      `SELECT 1 FROM product_binding b JOIN product_sync s ON s.connection_id = b.connection_id AND s.sku = b.root_sku
        WHERE b.connection_id = $1 AND b.sku = ANY($2::text[]) AND s.direction = 'to-tiny' AND s.state IN ('pending', 'writing', 'waiting') LIMIT 1`,
      [connectionId, skus],
    );
    return rows.length > 0;
  }

  private async failed(row: ProductSyncRow, error: unknown, refused = false): Promise<void> {
    const failure = PRODUCT_WRITE_FAILURES.classify(error, row.attempts + 1);
    if (refused || failure.action === 'refuse') {
      productWrites.inc({ target: 'tiny', outcome: 'refused' });
      this.logger.warn({ msg: 'product write to Tiny refused', connectionId: row.connection_id, sku: row.sku, detail: failure.detail });
      await this.products.fail(row, failure.detail);
      await this.imports.count(row.import_id, 'failed');
    } else {
      productWrites.inc({ target: 'tiny', outcome: 'retry' });
      await this.products.retry(row, failure.detail, failure.delayMs);
    }
  }
}

function describe(result: TinyBatchRecordResult): string {
  return `${result.code !== undefined ? `code ${result.code}: ` : ''}${result.messages.map((message) => message.erro).join('; ') || result.kind || 'error'}`;
}
