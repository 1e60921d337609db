import { Injectable, Logger } from '@nestjs/common';
import { IderisApiError, type IderisCatalogApi, type IderisListingModel, type IderisSku } from '@hub/ideris';
import { counter } from '@hub/platform';
import { kindOfSnapshot, snapshotFromListingModel, type IderisProductSnapshot } from '../domain/ideris-product-snapshot';
import { iderisFingerprint, iderisViewOfSnapshot } from '../domain/product-fingerprints';
import { convergingFailures } from '../../common/converging-failures';
import { ProductSyncRepository } from '../product-sync.repository';
import { ProductImportsRepository, type DiscoveryCounts, type ProductImportRow } from './product-imports.repository';

const discovered = counter('hub_catalog_product_imports_total', 'Ideris listing models read by an import, by outcome: queued, unchanged, echo, skipped, superseded, duplicate', ['outcome']);

/** Pages of 50 listing models per discovery step (the server's cap); SKU lists go 10 SKUs per step. */
const PAGE = 50;
const SKUS_PER_STEP = 10;
const SKU_SEARCH_CHUNK = 50;

type DiscoveryOutcome = 'queued' | 'unchanged' | 'echo' | 'skipped' | 'superseded' | 'duplicate';

/** An import step's failures: Ideris refusing the credentials ends the import (an operator starts another); the rest is retried. */
const IMPORT_STEP_FAILURES = convergingFailures([{ error: IderisApiError, kinds: ['auth'] }]);

/**
 * The walk of an import: reads Ideris's listing models (all of them page by page, or the SKUs asked for) with their
 * SKUs' EAN and NCM, and queues for Tiny those that changed since the hub last saw or wrote them. A listing model
 * the hub itself wrote, unchanged, is its echo and is not sent back to Tiny. The cursor is stored after each step,
 * so a restart resumes the walk.
 */
@Injectable()
export class IderisProductDiscoveryService {
  private readonly logger = new Logger(IderisProductDiscoveryService.name);
  /** NCM id → code per connection (a seller has few NCMs; the codes never change). */
  private readonly ncmCodes = new Map<string, Map<number, string>>();

  constructor(private readonly products: ProductSyncRepository, private readonly imports: ProductImportsRepository) {}

  /** One step of the connection's running import, if one is due; false when there was none. */
  async step(connectionId: string, catalog: IderisCatalogApi): Promise<boolean> {
    const row = await this.imports.discovering(connectionId);
    if (!row) return false;
    try {
      const { models, cursor, finished, missing } = await this.read(row, catalog);
      const counts: DiscoveryCounts = { discovered: models.length, queued: 0, unchanged: 0, skipped: missing };
      const snapshots = await this.snapshots(connectionId, models, catalog);
      for (const snapshot of snapshots) {
        const outcome = await this.record(connectionId, row.id, snapshot);
        discovered.inc({ outcome });
        if (outcome === 'queued' || outcome === 'duplicate') counts.queued += 1;
        else if (outcome === 'skipped') counts.skipped += 1;
        else counts.unchanged += 1;
      }
      await this.imports.advance(row, cursor, finished, counts);
    } catch (error) {
      const failure = IMPORT_STEP_FAILURES.classify(error, row.attempts + 1);
      if (failure.action === 'refuse') {
        await this.imports.fail(row, failure.detail);
      } else {
        this.logger.warn({ msg: 'product import step failed; retrying', connectionId, importId: row.id, err: failure.detail });
        await this.imports.retry(row, failure.detail, failure.delayMs);
      }
    }
    return true;
  }

  private async read(row: ProductImportRow, catalog: IderisCatalogApi): Promise<{ models: IderisListingModel[]; cursor: number; finished: boolean; missing: number }> {
    if (row.skus && row.skus.length > 0) {
      const chunk = row.skus.slice(row.cursor, row.cursor + SKUS_PER_STEP);
      const models: IderisListingModel[] = [];
      let missing = 0;
      for (const sku of chunk) {
        // A variation's SKU finds its listing model: the whole product is imported.
        const found = await catalog.searchListingModels({ sku });
        const model = found.find((candidate) => candidate.sku === sku) ?? found[0];
        if (model && !models.some((known) => known.id === model.id)) models.push(model);
        if (!model) missing += 1;
      }
      const cursor = row.cursor + chunk.length;
      return { models, cursor, finished: cursor >= row.skus.length, missing };
    }
    try {
      const page = await catalog.listingModelPage(row.cursor, PAGE);
      return { models: page.models, cursor: row.cursor + PAGE, finished: row.cursor + PAGE >= page.total || page.models.length === 0, missing: 0 };
    } catch (error) {
      // Ideris answers 404 for a window past the end.
      if (error instanceof IderisApiError && error.kind === 'not-found') return { models: [], cursor: row.cursor, finished: true, missing: 0 };
      throw error;
    }
  }

  /** The models with their SKUs' EAN, stock and NCM code (one SKU search per 50 SKUs, one read per unknown NCM). */
  private async snapshots(connectionId: string, models: IderisListingModel[], catalog: IderisCatalogApi): Promise<IderisProductSnapshot[]> {
    const allSkus = [...new Set(models.flatMap((model) => [model.sku, ...model.variants.map((variant) => variant.sku)]).filter((sku): sku is string => Boolean(sku)))];
    const skus = new Map<string, IderisSku>();
    for (let index = 0; index < allSkus.length; index += SKU_SEARCH_CHUNK) {
      for (const sku of await catalog.searchSkus(allSkus.slice(index, index + SKU_SEARCH_CHUNK))) skus.set(sku.sku, sku);
    }
    const codes = this.ncmCodes.get(connectionId) ?? new Map<number, string>();
    this.ncmCodes.set(connectionId, codes);
    for (const ncmId of new Set([...skus.values()].map((sku) => sku.ncmId).filter((id): id is number => id !== undefined && !codes.has(id)))) {
      const ncm = await catalog.getNcm(ncmId);
      if (ncm) codes.set(ncmId, ncm.code);
    }
    const seen = new Set<string>();
    return models.flatMap((model) => {
      const snapshot = snapshotFromListingModel(model, skus, codes);
      // Two listing models with one SKU: the first one read is the product (Ideris links channels by SKU).
      if (!snapshot || seen.has(snapshot.sku)) return [];
      seen.add(snapshot.sku);
      return [snapshot];
    });
  }

  /**
   * - Ideris shows what the hub last saw or wrote there (or is writing now): unchanged, or the hub's echo. Work for
   *   Tiny not started yet is moot then.
   * - A send from Tiny is waiting for this product: Tiny's change goes first, the import leaves it alone.
   * - The same content is queued already: a duplicate.
   * - Otherwise it is queued for Tiny (with the kit's composition as Ideris describes it).
   */
  private async record(connectionId: string, importId: string, snapshot: IderisProductSnapshot): Promise<DiscoveryOutcome> {
    return this.products.dataSource.transaction(async (m) => {
      const kind = kindOfSnapshot(snapshot);
      const row = await this.products.lockSync(m, connectionId, snapshot.sku, kind);
      await this.products.bind(m, connectionId, [
        { sku: snapshot.sku, rootSku: snapshot.sku, kind, iderisListingModelId: snapshot.listingModelId, iderisSkuId: snapshot.skuId },
        ...snapshot.variants.map((variant) => ({ sku: variant.sku, rootSku: snapshot.sku, kind: 'variation' as const, iderisListingModelId: snapshot.listingModelId, iderisSkuId: variant.skuId, iderisVariantId: variant.variantId })),
      ]);
      const fingerprint = iderisFingerprint(iderisViewOfSnapshot(snapshot));
      const working = ['pending', 'waiting', 'writing'].includes(row.state);
      let outcome: DiscoveryOutcome;
      if (fingerprint === row.ideris_fingerprint || fingerprint === row.ideris_pending_fingerprint) {
        if (row.direction === 'to-tiny' && row.state === 'writing') {
          await this.products.queue(m, row, kind, { direction: 'to-tiny', payload: snapshot, importId });
          outcome = 'queued';
        } else if (row.direction === 'to-tiny' && (working || row.state === 'failed')) {
          await this.products.supersede(m, row, 'superseded');
          outcome = 'superseded';
        } else {
          outcome = fingerprint === row.ideris_pending_fingerprint || row.ideris_fingerprint_from === 'hub' ? 'echo' : 'unchanged';
        }
      } else if (row.direction === 'to-ideris' && working) {
        outcome = 'skipped';
      } else if (row.direction === 'to-tiny' && working && row.payload && iderisFingerprint(iderisViewOfSnapshot(row.payload as IderisProductSnapshot)) === fingerprint) {
        outcome = 'duplicate';
      } else {
        await this.products.queue(m, row, kind, { direction: 'to-tiny', payload: snapshot, importId });
        if (snapshot.kit.length > 0) await this.products.setKit(m, connectionId, snapshot.sku, snapshot.kit, 'ideris');
        outcome = 'queued';
      }
      if (outcome !== 'unchanged') await this.products.journal(m, connectionId, snapshot.sku, 'to-tiny', `ideris-read:${outcome}`, `import ${importId}`);
      return outcome;
    });
  }
}
