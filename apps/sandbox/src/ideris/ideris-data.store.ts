import { Injectable } from '@nestjs/common';

export interface IderisMarketplaceAccount {
  id: number;
  marketplaceName: string;
  name: string;
}

export interface IderisOrderItem {
  sku: string | null;
  /** The marketplace's code of the product sold (docs/contracts.md#ideris-order-detail). */
  codeProduct?: string;
  title: string;
  /** A string only when seeded as a corrupt panel value (e.g. `300O`), which breaks every page holding it. */
  quantity: number | string;
  // ASSUMPTION (docs/contracts.md#ideris-order-detail): public clients read no item price; the sandbox serves `price`.
  price: number;
  /** The variation chosen, e.g. `[{name: 'Cor', value: 'Azul'}]`; empty when none. */
  productVariation: Array<{ name: string; value: string }>;
}

export interface IderisOrder {
  id: number;
  code: string;
  marketplaceName: string;
  authenticationId: number;
  authenticationName: string;
  /** The marketplace cart/pack id shared by orders bought together; null for a single order. */
  packId: string | null;
  statusId: number;
  statusDescription: string;
  approved: string;
  customerFirstName: string;
  customerLastName: string;
  customerEmail: string | null;
  documentType: 'CPF' | 'CNPJ';
  documentValue: string;
  valueWithShipping: number;
  feeShipment: number;
  items: IderisOrderItem[];
  deliveryTrackingCode?: string | null;
  /** The marketplace cancelled the order (control API): final, an integrator cannot change its status any more. */
  cancelledByMarketplace?: boolean;
  /** ASSUMPTION (docs/contracts.md#ideris-invoice-write, #ideris-tracking-write): written by the assumed invoice/tracking contracts (see ideris-writes.controller.ts). */
  invoice?: { key: string; number: string; series: string; issuedAt: string; danfeUrl?: string; cancelled?: boolean };
  trackingUrl?: string;
  carrier?: string;
}

export interface IderisSku {
  id: number;
  sku: string;
  title: string;
  ean: string;
  ncmId: number | null;
  originId: number;
  currentStock: number;
}

export interface IderisVariantAttribute {
  /** ASSUMPTION (docs/contracts.md#ideris-listing-model-writes): attributes are written by name (real ones carry category attribute ids). */
  attributeName: string;
  attributeValue: string;
}

export interface IderisListingModelVariant {
  id: number;
  sku: string;
  skuId: number;
  quantity: number;
  variantAttribute: IderisVariantAttribute[];
}

export interface IderisListingModel {
  id: number;
  sku: string;
  skuId: number;
  title: string;
  value: number;
  cost: number;
  statusId: number;
  /** ASSUMPTION (units; docs/contracts.md#ideris-listing-model-writes): grams and centimetres, as the legacy product's `peso`/`altura`… */
  weight: number;
  weightPackage: number;
  heightPackage: number;
  widthPackage: number;
  lengthPackage: number;
  listingModelImage: Array<{ id: number; url: string; order: number }>;
  variant: IderisListingModelVariant[];
  /** ASSUMPTION (docs/contracts.md#ideris-listing-model-writes): kit composition, the legacy `ProdutoComposto[{skuProdutoFilho, quantidade}]` renamed. */
  kit: Array<{ sku: string; quantity: number }>;
}

export interface IderisNcm {
  id: number;
  code: string;
  name: string;
}

/**
 * One change to an order as Ideris saw it: `api` through the (assumed) write contracts, i.e. an integrator such
 * as the hub; `marketplace` from the marketplace's side (a buyer's cancellation, a delivery), driven by the
 * control API. Benchmarks and tests count what Ideris actually received from it.
 */
export interface IderisOrderChange {
  at: string;
  orderId: number;
  kind: 'status' | 'invoice' | 'tracking';
  by: 'api' | 'marketplace';
  /** The status id, the invoice key or the tracking code. */
  value: string;
  /** What the order held before (status id, invoice key, tracking code), when anything. */
  previous?: string;
  /** The write was refused (the order did not change): an attempt, journaled so it can be judged too. */
  refused?: true;
}

/**
 * One accepted catalogue write by an integrator (the hub): an absolute stock (`PUT /sku/stock`) or a listing model's
 * price (`PUT /listingModel/price`), with what was held before. Benchmarks count deliveries and repeats from it.
 */
export interface IderisCatalogChange {
  at: string;
  kind: 'stock' | 'price';
  sku: string;
  /** The listing model priced (prices only). */
  listingModelId?: number;
  value: number;
  previous: number;
}

export interface IderisAccountData {
  marketplaces: IderisMarketplaceAccount[];
  orders: IderisOrder[];
  skus: IderisSku[];
  listingModels: IderisListingModel[];
  ncms: IderisNcm[];
  /** Every order change, in the order Ideris applied them. */
  orderChanges: IderisOrderChange[];
  /** Every accepted stock and price write, in the order Ideris applied them. */
  catalogChanges: IderisCatalogChange[];
  /** What the seller's notification URLs received (see ideris-notifications.controller.ts). */
  notifications?: IderisNotificationReceipt[];
}

/** One POST to a seller's Ideris notification URL, whatever came of it. */
export interface IderisNotificationReceipt {
  seq: number;
  at: string;
  kind: 'nota_fiscal' | 'rastreio';
  /** What a receiver de-duplicates by: invoice + situation, or order + tracking code; null when the body was refused. */
  dedupKey: string | null;
  /** Processed (committed) by Ideris: false when a fault answered first or the body was refused. */
  processed: boolean;
  /** A processed delivery of a key already processed before: a receiver de-duplicating by the key applies it once. */
  repeat: boolean;
  /** For a repeat: whether its body is byte-identical to the first one of the key. */
  sameAsFirst?: boolean;
  /** The Ideris order it names (by `idPedidoEcommerce`), when known. */
  orderId: number | null;
  /** The HTTP status answered, or `dropped` (processed, then the connection cut before the answer). */
  answered: number | 'dropped';
  detail?: string;
  body: unknown;
}

@Injectable()
export class IderisDataStore {
  private readonly data = new Map<string, IderisAccountData>();
  private nextOrderId = 4_815_001;
  private nextMarketplaceId = 1;
  private nextCatalogId = 90_001;

  of(privateKey: string): IderisAccountData {
    let accountData = this.data.get(privateKey);
    if (!accountData) {
      accountData = { marketplaces: [], orders: [], skus: [], listingModels: [], ncms: [], orderChanges: [], catalogChanges: [] };
      this.data.set(privateKey, accountData);
    }
    return accountData;
  }

  /** Journals a change of an order (see `IderisOrderChange`). */
  recordChange(accountData: IderisAccountData, change: Omit<IderisOrderChange, 'at'>): void {
    accountData.orderChanges.push({ at: new Date().toISOString(), ...change });
  }

  /** Journals an accepted stock or price write (see `IderisCatalogChange`). */
  recordCatalogChange(accountData: IderisAccountData, change: Omit<IderisCatalogChange, 'at'>): void {
    accountData.catalogChanges.push({ at: new Date().toISOString(), ...change });
  }

  newOrderId(): number {
    return this.nextOrderId++;
  }

  newCatalogId(): number {
    return this.nextCatalogId++;
  }

  newMarketplaceId(): number {
    return this.nextMarketplaceId++;
  }

  reset(): void {
    this.data.clear();
  }
}
