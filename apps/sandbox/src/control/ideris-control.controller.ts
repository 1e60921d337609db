import { BadRequestException, Body, Controller, Get, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { IderisAccountStore } from '../ideris/ideris-account.store';
import {
  IderisDataStore,
  type IderisCatalogChange,
  type IderisListingModel,
  type IderisMarketplaceAccount,
  type IderisNcm,
  type IderisOrder,
  type IderisOrderChange,
  type IderisOrderItem,
  type IderisSku,
} from '../ideris/ideris-data.store';
import { IderisHttpError } from '../ideris/ideris-http.error';
import { createListingModel } from '../ideris/ideris-listing-model.wire';
import { catalogFromBody } from './catalog-input';
import { explicitOrderInput } from './order-input';
import { IDERIS_SYSTEM_STATUSES, iderisStatusDescription } from '../ideris/ideris-statuses';
import { seeded } from '../common/seeded-random';
import { optionalPositiveInt, optionalString, requireRecord, requireString } from './control-input';

@Controller('control/ideris')
export class IderisControlController {
  constructor(
    private readonly accounts: IderisAccountStore,
    private readonly data: IderisDataStore,
  ) {}

  /** A marketplace account ("authentication") the seller connected; its id is what orders carry. */
  @Post('marketplaces')
  addMarketplace(@Body() raw: unknown): IderisMarketplaceAccount {
    const body = requireRecord(raw);
    const privateKey = this.knownKey(body);
    const marketplace: IderisMarketplaceAccount = {
      id: this.data.newMarketplaceId(),
      marketplaceName: optionalString(body, 'marketplaceName') ?? 'Mercado Livre',
      name: optionalString(body, 'name') ?? 'LOJA_SANDBOX',
    };
    this.data.of(privateKey).marketplaces.push(marketplace);
    return marketplace;
  }

  /**
   * Creates `count` orders (default 1), spread over the account's marketplaces (or all in `marketplaceId`), approved
   * `approved` (default now); optional `packId` (one cart) and explicit `items` ({sku, codeProduct, title, quantity, price,
   * productVariation}).
   */
  @Post('orders')
  addOrders(@Body() raw: unknown): IderisOrder[] {
    const body = requireRecord(raw);
    const privateKey = this.knownKey(body);
    const accountData = this.data.of(privateKey);
    if (accountData.marketplaces.length === 0) throw new BadRequestException('create a marketplace account first');
    const count = optionalPositiveInt(body, 'count') ?? 1;
    const statusId = optionalPositiveInt(body, 'statusId') ?? 1007;
    const approvedAt = Date.parse(optionalString(body, 'approved') ?? new Date().toISOString());
    if (Number.isNaN(approvedAt)) throw new BadRequestException('approved must be an ISO date');
    const corruptQuantity = optionalString(body, 'corruptQuantity');
    const explicit = explicitOrderInput(body, accountData.marketplaces);
    const marketplaceId = optionalPositiveInt(body, 'marketplaceId');
    const chosen = explicit.marketplace ? [explicit.marketplace] : marketplaceId === undefined ? accountData.marketplaces : accountData.marketplaces.filter((candidate) => candidate.id === marketplaceId);
    if (chosen.length === 0) throw new BadRequestException(`unknown marketplaceId ${String(marketplaceId)}`);
    const created = Array.from({ length: count }, (_, index) => {
      const marketplace = chosen[index % chosen.length];
      const item: IderisOrderItem = { sku: `SKU-${(index % 5) + 1}`, codeProduct: `MLB${1000 + (index % 5) + 1}`, title: `Produto ${(index % 5) + 1}`, quantity: corruptQuantity ?? 1, price: 49.9, productVariation: [] };
      const items = explicit.items ?? [item];
      const id = this.data.newOrderId();
      const order: IderisOrder = {
        id,
        code: `2000${id}`,
        marketplaceName: marketplace.marketplaceName,
        authenticationId: marketplace.id,
        authenticationName: marketplace.name,
        packId: optionalString(body, 'packId') ?? null,
        statusId,
        statusDescription: iderisStatusDescription(statusId),
        approved: toBrasiliaIso(approvedAt + index * 1000),
        customerFirstName: explicit.customer?.firstName ?? 'Cliente',
        customerLastName: explicit.customer?.lastName ?? `Sandbox ${index + 1}`,
        customerEmail: explicit.customer ? explicit.customer.email : index % 7 === 6 ? null : `cliente${index + 1}@example.com`,
        documentType: explicit.customer?.document.length === 14 ? 'CNPJ' : 'CPF',
        documentValue: explicit.customer?.document ?? validCpf(String(100_000_000 + ((id * 7919) % 899_999_999))),
        valueWithShipping: Math.round((items.reduce((sum, line) => sum + line.price * (Number(line.quantity) || 0), 0) + 19.9) * 100) / 100,
        feeShipment: 19.9,
        items,
      };
      accountData.orders.push(order);
      return order;
    });
    return created;
  }

  /**
   * A status change from the marketplace's side (a buyer's cancellation, a delivery confirmed): it is not an
   * integrator's write, so it is journaled as `marketplace` and does not count as a call of the account. A
   * cancellation is final: integrators' status writes to the order are refused from then on.
   */
  @Post('orders/:id/status')
  changeStatus(@Param('id') id: string, @Body() raw: unknown): IderisOrder {
    const body = requireRecord(raw);
    const accountData = this.data.of(this.knownKey(body));
    const order = accountData.orders.find((candidate) => String(candidate.id) === id);
    if (!order) throw new NotFoundException(`unknown order ${id}`);
    const statusId = optionalPositiveInt(body, 'statusId');
    const status = IDERIS_SYSTEM_STATUSES.find((candidate) => candidate.id === statusId);
    if (!status) throw new BadRequestException(`statusId must be one of ${IDERIS_SYSTEM_STATUSES.map((candidate) => candidate.id).join(', ')}`);
    this.data.recordChange(accountData, { orderId: order.id, kind: 'status', by: 'marketplace', value: String(status.id), previous: String(order.statusId) });
    order.statusId = status.id;
    order.statusDescription = status.description;
    order.cancelledByMarketplace = status.description === 'Cancelado';
    return order;
  }

  /** Adds a SKU (with a listing model), or changes an existing SKU's stock as a marketplace sale in Ideris would. */
  @Post('skus')
  addSku(@Body() raw: unknown): IderisSku {
    const body = requireRecord(raw);
    const accountData = this.data.of(this.knownKey(body));
    const existing = accountData.skus.find((candidate) => candidate.sku === requireString(body, 'sku'));
    if (existing) {
      existing.currentStock = optionalPositiveInt(body, 'currentStock') ?? existing.currentStock;
      return existing;
    }
    const sku: IderisSku = {
      id: this.data.newCatalogId(),
      sku: requireString(body, 'sku'),
      title: optionalString(body, 'title') ?? requireString(body, 'sku'),
      ean: optionalString(body, 'ean') ?? '',
      ncmId: null,
      originId: 0,
      currentStock: optionalPositiveInt(body, 'currentStock') ?? 0,
    };
    accountData.skus.push(sku);
    accountData.listingModels.push({
      id: this.data.newCatalogId(),
      sku: sku.sku,
      skuId: sku.id,
      title: sku.title,
      value: 99.9,
      cost: 40,
      statusId: 1,
      weight: 0,
      weightPackage: 0,
      heightPackage: 0,
      widthPackage: 0,
      lengthPackage: 0,
      listingModelImage: [],
      variant: [],
      kit: [],
    });
    return sku;
  }

  /**
   * Seeds listing models as the seller would have registered them in Ideris: explicit `products` or a generated
   * catalogue (see `catalog-input.ts`), variations as variants with their own SKU, kits of SKUs already there.
   */
  @Post('products')
  seedProducts(@Body() raw: unknown): { created: number; variants: number; kits: number; listingModels: Array<{ id: number; sku: string; variants: number; kit: number }> } {
    const body = requireRecord(raw);
    const accountData = this.data.of(this.knownKey(body));
    const catalog = catalogFromBody(body);
    const models = catalog.map((product) => {
      try {
        return createListingModel(this.data, accountData, {
          sku: product.sku,
          title: product.name.slice(0, 60),
          value: product.price,
          cost: product.cost,
          quantity: product.stock,
          ean: product.ean || undefined,
          ncm: product.ncm || undefined,
          weight: Math.round(product.netWeightKg * 1000),
          weightPackage: Math.round(product.grossWeightKg * 1000),
          heightPackage: product.heightCm,
          widthPackage: product.widthCm,
          lengthPackage: product.lengthCm,
          images: product.images,
          variants: product.variations.map((variation) => ({
            sku: variation.sku,
            quantity: variation.stock,
            ean: variation.ean || undefined,
            attributes: Object.entries(variation.grid).map(([attributeName, attributeValue]) => ({ attributeName, attributeValue })),
          })),
          kit: product.kit,
        });
      } catch (error: unknown) {
        if (error instanceof IderisHttpError) throw new BadRequestException(`${product.sku}: ${JSON.stringify(error.body)}`);
        throw error;
      }
    });
    return {
      created: models.length,
      variants: models.reduce((sum, model) => sum + model.variant.length, 0),
      kits: models.filter((model) => model.kit.length > 0).length,
      listingModels: models.map((model) => ({ id: model.id, sku: model.sku, variants: model.variant.length, kit: model.kit.length })),
    };
  }

  /**
   * What Ideris holds for one account, for assertions and benchmarks: its orders and every change they went
   * through, and its catalogue (SKUs, listing models, NCMs).
   */
  @Get('state')
  state(@Query('privateKey') privateKey: string | undefined): {
    orders: IderisOrder[];
    orderChanges: IderisOrderChange[];
    catalogChanges: IderisCatalogChange[];
    skus: IderisSku[];
    listingModels: IderisListingModel[];
    ncms: IderisNcm[];
  } {
    if (!privateKey || !this.accounts.findByKey(privateKey)) throw new BadRequestException('unknown privateKey');
    const { orders, orderChanges, catalogChanges, skus, listingModels, ncms } = this.data.of(privateKey);
    return { orders, orderChanges, catalogChanges, skus, listingModels, ncms };
  }

  /**
   * An order peak: `orders` orders over `accounts` marketplace accounts (created when missing), approved
   * within the last `spreadSeconds`, with repeat buyers, variation SKUs, kits (several items), carts sharing
   * a pack id, missing e-mails and null SKUs at the given rates (0–1).
   */
  @Post('orders/peak')
  addPeak(@Body() raw: unknown): { created: number; marketplaces: number[]; buyers: number; firstId: number; lastId: number } {
    const body = requireRecord(raw);
    const privateKey = this.knownKey(body);
    const accountData = this.data.of(privateKey);
    const total = optionalPositiveInt(body, 'orders') ?? 100;
    const accountCount = Math.max(1, optionalPositiveInt(body, 'accounts') ?? 3);
    const names = ['Mercado Livre', 'Shopee', 'Amazon', 'Magalu', 'Americanas'];
    while (accountData.marketplaces.length < accountCount) {
      const index = accountData.marketplaces.length;
      accountData.marketplaces.push({ id: this.data.newMarketplaceId(), marketplaceName: names[index % names.length], name: `LOJA_${index + 1}` });
    }
    const rate = (field: string, fallback: number): number => {
      const value = body[field];
      return typeof value === 'number' && value >= 0 && value <= 1 ? value : fallback;
    };
    const repeatRate = rate('repeatBuyerRate', 0.2);
    const missingEmailRate = rate('missingEmailRate', 0.1);
    const nullSkuRate = rate('nullSkuRate', 0.05);
    const kitRate = rate('kitRate', 0.1);
    const spreadMs = (optionalPositiveInt(body, 'spreadSeconds') ?? 600) * 1000;
    const seed = optionalPositiveInt(body, 'seed') ?? 1;
    const random = seeded(seed);
    const now = Date.now();
    const buyers: string[] = [];
    const created: IderisOrder[] = [];
    for (let index = 0; index < total; index += 1) {
      const marketplace = accountData.marketplaces[index % accountCount];
      const repeat = buyers.length > 0 && random() < repeatRate;
      const document = repeat ? buyers[Math.floor(random() * buyers.length)]! : validCpf(String(100_000_000 + Math.floor(random() * 899_999_999)));
      if (!repeat) buyers.push(document);
      const itemCount = random() < kitRate ? 2 + Math.floor(random() * 3) : 1;
      const items: IderisOrderItem[] = Array.from({ length: itemCount }, () => {
        const product = 1 + Math.floor(random() * 20);
        const size = ['P', 'M', 'G'][Math.floor(random() * 3)];
        // A listing code (the marketplace's ad id) is always there; the SKU is null when the seller left it empty.
        return {
          sku: random() < nullSkuRate ? null : `SKU-${product}-${size}`,
          codeProduct: `MLB${1000 + product}${size}`,
          title: `Produto ${product}`,
          quantity: 1 + Math.floor(random() * 2),
          price: 29.9 + product,
          productVariation: [{ name: 'Tamanho', value: size }],
        };
      });
      const id = this.data.newOrderId();
      const order: IderisOrder = {
        id,
        code: `2000${id}`,
        marketplaceName: marketplace.marketplaceName,
        authenticationId: marketplace.id,
        authenticationName: marketplace.name,
        packId: null,
        statusId: 1007,
        statusDescription: iderisStatusDescription(1007),
        approved: toBrasiliaIso(now - spreadMs + Math.floor((spreadMs * index) / Math.max(1, total))),
        customerFirstName: 'Cliente',
        customerLastName: document.slice(-4),
        customerEmail: random() < missingEmailRate ? null : `cliente${document.slice(-6)}@example.com`,
        documentType: 'CPF',
        documentValue: document,
        valueWithShipping: Math.round((items.reduce((sum, item) => sum + item.price * Number(item.quantity), 0) + 19.9) * 100) / 100,
        feeShipment: 19.9,
        items,
      };
      accountData.orders.push(order);
      created.push(order);
    }
    return { created: created.length, marketplaces: accountData.marketplaces.slice(0, accountCount).map((marketplace) => marketplace.id), buyers: buyers.length, firstId: created[0]?.id ?? 0, lastId: created[created.length - 1]?.id ?? 0 };
  }

  private knownKey(body: Record<string, unknown>): string {
    const privateKey = requireString(body, 'privateKey');
    if (!this.accounts.findByKey(privateKey)) throw new BadRequestException('unknown privateKey');
    return privateKey;
  }
}

/** Explicit order lines of `POST /control/ideris/orders`; undefined when the body has none. */

/** A CPF with valid check digits from its first nine digits, so generated buyers pass document validation. */
function validCpf(base9: string): string {
  const digits = base9.split('').map(Number);
  for (const weightStart of [10, 11]) {
    const sum = digits.reduce((acc, d, i) => acc + d * (weightStart - i), 0);
    const rest = (sum * 10) % 11;
    digits.push(rest === 10 ? 0 : rest);
  }
  return digits.join('');
}

/** Ideris order dates are ISO-8601 with the -03:00 offset. */
function toBrasiliaIso(instant: number): string {
  return `${new Date(instant - 3 * 3600_000).toISOString().slice(0, 19)}-03:00`;
}
