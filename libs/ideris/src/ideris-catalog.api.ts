import { IderisApiError } from './ideris-api.error';
import {
  mapIderisListingModel,
  mapIderisNcm,
  mapIderisSku,
  mapIderisStatus,
  type IderisListingModel,
  type IderisListingModelChanges,
  type IderisListingModelDraft,
  type IderisNcm,
  type IderisSku,
  type IderisStatus,
} from './ideris-catalog.models';
import type { IderisClient } from './ideris-client';
import { isRecord } from './ideris-order.models';

/** The server caps pages at 50 whatever `limit` says. */
const PAGE = 50;

/** Status catalogue, SKUs and their absolute stock, listing models and their prices. */
export class IderisCatalogApi {
  constructor(private readonly client: IderisClient) {}

  async listStatuses(): Promise<IderisStatus[]> {
    return listOf(await this.client.get('/status/search')).map(mapIderisStatus).filter((status): status is IderisStatus => status !== undefined);
  }

  /** `sku` is repeated in the query; pages of 50 are walked until `total`. */
  async searchSkus(skus: string[] = []): Promise<IderisSku[]> {
    const found: IderisSku[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const body = await this.client.get('/sku/search', { sku: skus, limit: PAGE, offset });
      found.push(...listOf(body).map(mapIderisSku).filter((sku): sku is IderisSku => sku !== undefined));
      if (offset + PAGE >= totalOf(body)) return found;
    }
  }

  /**
   * Absolute quantity decided once the API budget granted the call (after any wait for the slot), so it is the
   * latest; `decide` answering undefined sends nothing. Answers the quantity sent, or undefined.
   */
  async setLatestSkuStock(sku: string, decide: () => Promise<number | undefined>): Promise<number | undefined> {
    const outcome = await this.client.sendLatestJson('PUT', '/sku/stock', async () => {
      const currentStock = await decide();
      if (currentStock === undefined) return undefined;
      if (!Number.isInteger(currentStock) || currentStock < 0) {
        throw new IderisApiError({ kind: 'validation', path: '/sku/stock', detail: 'currentStock must be a non-negative integer' });
      }
      return { sku, currentStock };
    });
    return outcome.sent ? (outcome.body as { currentStock: number }).currentStock : undefined;
  }

  /** One page of every SKU of the account (for a sweep from a cursor), with the account's total. */
  async skuPage(offset: number, limit = PAGE): Promise<{ skus: IderisSku[]; total: number }> {
    const body = await this.client.get('/sku/search', { limit, offset });
    return { skus: listOf(body).map(mapIderisSku).filter((sku): sku is IderisSku => sku !== undefined), total: totalOf(body) };
  }

  /** Absolute quantity (idempotent on retry), never a delta. */
  async setSkuStock(sku: string, currentStock: number): Promise<void> {
    if (!Number.isInteger(currentStock) || currentStock < 0) {
      throw new IderisApiError({ kind: 'validation', path: '/sku/stock', detail: 'currentStock must be a non-negative integer' });
    }
    await this.client.sendJson('PUT', '/sku/stock', { sku, currentStock });
  }

  async searchListingModels(filter: { sku?: string; id?: number } = {}): Promise<IderisListingModel[]> {
    const found: IderisListingModel[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const body = await this.client.get('/listingModel/search', { sku: filter.sku, id: filter.id, limit: PAGE, offset });
      found.push(...listOf(body).map(mapIderisListingModel).filter((model): model is IderisListingModel => model !== undefined));
      if (offset + PAGE >= totalOf(body)) return found;
    }
  }

  // ASSUMPTION (docs/contracts.md#ideris-price-write): no v3 price endpoint is public. Price belongs to the listing model (read per variant at
  // /listingModel/{id}/price), so the write is PUT /listingModel/price {listingModelId, value}.
  async setListingModelPrice(listingModelId: number, value: number): Promise<void> {
    await this.client.sendJson('PUT', '/listingModel/price', { listingModelId, value });
  }

  /** One page of every listing model of the account (for a resumable walk): `{total, models}`. */
  async listingModelPage(offset: number, limit = PAGE): Promise<{ total: number; models: IderisListingModel[] }> {
    const body = await this.client.get('/listingModel/search', { limit: Math.min(limit, PAGE), offset });
    return { total: totalOf(body), models: listOf(body).map(mapIderisListingModel).filter((model): model is IderisListingModel => model !== undefined) };
  }

  /** `GET /ncm/{id}` → the 8-digit code; undefined when Ideris does not know the id. */
  async getNcm(id: number): Promise<IderisNcm | undefined> {
    try {
      const body = await this.client.get(`/ncm/${encodeURIComponent(String(id))}`);
      return mapIderisNcm(isRecord(body) ? body['obj'] : undefined);
    } catch (error: unknown) {
      if (error instanceof IderisApiError && error.kind === 'not-found') return undefined;
      throw error;
    }
  }

  // ASSUMPTION (docs/contracts.md#ideris-listing-model-writes): no v3 product create/update is public. v3 splits SKU and listing model; we create both
  // through POST /listingModel with the legacy `POST /Produto` fields renamed to the names the v3 listing
  // model reads back (see listingModelBody) and update with PUT /listingModel {id, …}. A taken SKU answers 409.
  async createListingModel(draft: IderisListingModelDraft): Promise<IderisListingModel> {
    const body = await this.client.sendJson('POST', '/listingModel', listingModelBody(draft));
    const model = mapIderisListingModel(isRecord(body) ? body['obj'] : undefined);
    if (!model) throw new IderisApiError({ kind: 'transient', path: '/listingModel', detail: 'unexpected listing model shape' });
    return model;
  }

  // ASSUMPTION (docs/contracts.md#ideris-listing-model-writes): see createListingModel. Only the fields sent change; variants are matched by SKU or added.
  async updateListingModel(id: number, changes: IderisListingModelChanges): Promise<IderisListingModel | undefined> {
    const body = await this.client.sendJson('PUT', '/listingModel', { id, ...listingModelBody(changes) });
    return mapIderisListingModel(isRecord(body) ? body['obj'] : undefined);
  }
}

/**
 * ASSUMPTION (docs/contracts.md#ideris-listing-model-writes): the legacy create fields renamed to v3's listing model names: `ean`, `ncm` (code), `weight` /
 * `weightPackage` (g), `heightPackage`/`widthPackage`/`lengthPackage` (cm), `listingModelImage[{url, order}]`,
 * `variant[{sku, quantity, ean, variantAttribute[{attributeName, attributeValue}]}]` (attributes by name), and
 * `kit[{sku, quantity}]` (legacy `ProdutoComposto[{skuProdutoFilho, quantidade}]`). Undefined fields are left out.
 */
function listingModelBody(draft: IderisListingModelChanges & { sku?: string }): Record<string, unknown> {
  const body: Record<string, unknown> = {
    sku: draft.sku,
    title: draft.title,
    value: draft.value,
    cost: draft.cost,
    quantity: draft.quantity,
    ean: draft.ean,
    ncm: draft.ncm,
    weight: draft.weightGrams,
    weightPackage: draft.packageWeightGrams,
    heightPackage: draft.packageHeightCm,
    widthPackage: draft.packageWidthCm,
    lengthPackage: draft.packageLengthCm,
    listingModelImage: draft.images?.map((url, index) => ({ url, order: index + 1 })),
    variant: draft.variants?.map((variant) => ({
      sku: variant.sku,
      quantity: variant.quantity ?? 0,
      ean: variant.ean,
      variantAttribute: Object.entries(variant.attributes ?? {}).map(([attributeName, attributeValue]) => ({ attributeName, attributeValue })),
    })),
    kit: draft.kit?.map((item) => ({ sku: item.sku, quantity: item.quantity })),
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

function listOf(body: unknown): unknown[] {
  return isRecord(body) && Array.isArray(body['obj']) ? body['obj'] : [];
}

function totalOf(body: unknown): number {
  return isRecord(body) && typeof body['total'] === 'number' ? body['total'] : 0;
}
