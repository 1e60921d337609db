import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';

/** Core NATS request/reply subjects of catalog's products (the `produto` reply, bindings, imports). */
export const ProductRpcSubjects = {
  /** The gateway asks for the mapping answer of a `produto` notification it has just stored. */
  mapFromTiny: 'rpc.catalog.product.map-tiny.v1',
  list: 'rpc.catalog.product.list.v1',
  get: 'rpc.catalog.product.get.v1',
  reprocess: 'rpc.catalog.product.reprocess.v1',
  importStart: 'rpc.catalog.product-import.start.v1',
  importList: 'rpc.catalog.product-import.list.v1',
  importGet: 'rpc.catalog.product-import.get.v1',
} as const;

/** How long the gateway waits for catalog's mapping answer before answering Tiny from the payload alone. */
export const PRODUCT_REPLY_DEADLINE_MS = 3_000;

export interface ProductMapFromTinyRequest {
  connectionId: string;
  /** The notification body exactly as stored in TINY_NOTIFICATIONS. */
  rawBody: string;
  /** Its stream sequence (the original one when the store de-duplicated it). */
  streamSequence: number;
  receivedAt: string;
}

/** One item of the flat array Tiny requires for a `produto` notification (product first, then its variations). */
export interface ProductMappingItemV1 {
  idMapeamento: string;
  skuMapeamento: string;
  urlProduto?: string;
  urlImagem?: string;
  error?: string;
}

export interface ProductMapFromTinyReply {
  items: ProductMappingItemV1[];
}

export const PRODUCT_SYNC_DIRECTIONS = ['to-ideris', 'to-tiny'] as const;
export type ProductSyncDirection = (typeof PRODUCT_SYNC_DIRECTIONS)[number];

/**
 * `pending` waits for its turn (or a retry), `writing` is being written now, `waiting` needs something first (kit
 * components in Tiny), `synced` both sides hold it, `failed` the other side refused it (see `lastError`).
 */
export const PRODUCT_SYNC_STATES = ['pending', 'writing', 'waiting', 'synced', 'failed'] as const;
export type ProductSyncState = (typeof PRODUCT_SYNC_STATES)[number];

export const PRODUCT_KINDS = ['simple', 'parent', 'variation', 'kit'] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];

export interface ProductListQuery {
  connectionId: string;
  state?: ProductSyncState;
  direction?: ProductSyncDirection;
  /** SKU prefix. */
  sku?: string;
  limit?: number;
  offset?: number;
}

/** A product (its root SKU) with its bindings and where its sync stands. */
export interface ProductSyncView {
  sku: string;
  kind: ProductKind;
  tinyProductId: string | null;
  iderisListingModelId: number | null;
  iderisSkuId: number | null;
  variations: number;
  kitComponents: number;
  /** The last work asked for this product. */
  direction: ProductSyncDirection | null;
  state: ProductSyncState;
  /** `ideris-created`, `ideris-updated`, `tiny-created`, `tiny-updated`, `tiny-adopted`, `echo`, `unchanged`, `refused`… */
  lastOutcome: string | null;
  attempts: number;
  lastError: string | null;
  lastErrorAt: string | null;
  waitingFor: string | null;
  importId: string | null;
  syncedAt: string | null;
  updatedAt: string;
}

export interface ProductBindingView {
  sku: string;
  kind: ProductKind;
  tinyProductId: string | null;
  idMapeamento: string | null;
  iderisSkuId: number | null;
  iderisListingModelId: number | null;
  iderisVariantId: number | null;
}

export interface ProductDetailView extends ProductSyncView {
  bindings: ProductBindingView[];
  kit: Array<{ componentSku: string; quantity: string; source: 'tiny' | 'ideris' }>;
  journal: Array<{ direction: ProductSyncDirection | null; outcome: string; detail: string | null; at: string }>;
}

export interface ProductQuery {
  connectionId: string;
  sku: string;
}

export const PRODUCT_IMPORT_STATES = ['discovering', 'writing', 'done', 'failed'] as const;
export type ProductImportState = (typeof PRODUCT_IMPORT_STATES)[number];

/** The body of `POST …/product-imports`: no SKUs imports every listing model of the Ideris account. */
export class ProductImportBody {
  @ApiPropertyOptional({ type: [String], maxItems: 1000, description: 'Ideris SKUs (of listing models) to import; absent or empty: all' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 60, { each: true })
  @Matches(/^\S(.*\S)?$/, { each: true, message: 'each SKU must be non-blank without leading or trailing spaces' })
  skus?: string[];
}

export interface ProductImportStart {
  connectionId: string;
  skus?: string[];
}

export interface ProductImportQuery {
  connectionId: string;
  id: string;
}

export interface ProductImportView {
  id: string;
  connectionId: string;
  trigger: 'admin' | 'schedule';
  /** Null: every listing model. */
  skus: string[] | null;
  state: ProductImportState;
  /** Listing models read from Ideris so far. */
  discovered: number;
  /** Sent to Tiny's queue (new or changed since the hub last saw them). */
  queued: number;
  /** Already as the hub last wrote or saw them (their echo included). */
  unchanged: number;
  /** Left alone: a send from Tiny is pending for them, or the SKU is not in Ideris. */
  skipped: number;
  created: number;
  updated: number;
  failed: number;
  /** Queued and not finished yet (pending, writing or waiting). */
  remaining: number;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}
