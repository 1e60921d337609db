import type { IderisOrderDetail, IderisOrderDetailItem } from '@hub/ideris';
import type { TinyOrderItemDraft } from '@hub/tiny';

export interface ItemResolution {
  resolveProductCode(item: { sku: string | null; listingCode?: string }): string | undefined;
  allowFreeTextItems: boolean;
}

export interface ItemsMapping {
  items: TinyOrderItemDraft[];
  /** Tiny product codes of the resolved items, each once, in order. */
  productCodes: string[];
  /** Marketplace SKUs (or listing codes when the SKU is null) that have no Tiny product. */
  unknownSkus: string[];
  problems: string[];
  itemsTotalCents: number;
}

const UNIT = 'UN';

export function mapItems(order: IderisOrderDetail, resolution: ItemResolution): ItemsMapping {
  const mapping: ItemsMapping = { items: [], productCodes: [], unknownSkus: [], problems: [], itemsTotalCents: 0 };
  if (order.items.length === 0) mapping.problems.push('order has no items');
  const unitPrices = completeUnitPrices(order);
  order.items.forEach((item, index) => {
    const label = `item ${index + 1}${item.sku ? ` (${item.sku})` : item.listingCode ? ` (listing ${item.listingCode})` : ''}`;
    const unitPriceCents = unitPrices[index];
    const description = describe(item);
    if (item.quantity === undefined || !(item.quantity > 0)) mapping.problems.push(`${label}: quantity must be a positive number`);
    if (unitPriceCents === undefined) mapping.problems.push(`${label}: has no unit price`);
    else if (unitPriceCents < 0) mapping.problems.push(`${label}: unit price is negative`);
    if (!description) mapping.problems.push(`${label}: has no title`);
    const code = resolveCode(item, resolution, label, mapping);
    if (item.quantity === undefined || unitPriceCents === undefined || !description) return;
    if (code && !mapping.productCodes.includes(code)) mapping.productCodes.push(code);
    mapping.items.push({ sku: code, description, unit: UNIT, quantity: item.quantity, unitPriceCents });
    mapping.itemsTotalCents += Math.round(item.quantity * unitPriceCents);
  });
  return mapping;
}

function resolveCode(item: IderisOrderDetailItem, resolution: ItemResolution, label: string, mapping: ItemsMapping): string | undefined {
  const key = item.sku ?? item.listingCode;
  if (key === undefined) {
    if (!resolution.allowFreeTextItems) mapping.problems.push(`${label}: has neither SKU nor listing code to map it by`);
    return undefined;
  }
  const code = resolution.resolveProductCode({ sku: item.sku, listingCode: item.listingCode });
  if (code === undefined && !resolution.allowFreeTextItems && !mapping.unknownSkus.includes(key)) mapping.unknownSkus.push(key);
  return code;
}

/** Variation text is appended unless the marketplace title already carries it. */
function describe(item: IderisOrderDetailItem): string | undefined {
  const title = item.title?.replace(/\s+/g, ' ').trim() || item.sku || item.listingCode;
  if (!title) return undefined;
  const variation = item.variation?.replace(/\s+/g, ' ').trim();
  return variation && !title.toLowerCase().includes(variation.toLowerCase()) ? `${title} - ${variation}` : title;
}

/**
 * Public v3 clients never read an item price, so one may be missing. When exactly one is, it is derived
 * from the order's items total (legacy `valorTotal`, else value with shipping minus the buyer's freight)
 * if that divides into whole cents; otherwise it stays missing and the order is invalid.
 */
function completeUnitPrices(order: IderisOrderDetail): (number | undefined)[] {
  const prices = order.items.map((item) => item.unitPriceCents);
  const missing = prices.flatMap((price, index) => (price === undefined ? [index] : []));
  if (missing.length !== 1) return prices;
  const amounts = order.amounts;
  const itemsTotal =
    amounts.itemsTotalCents ??
    (amounts.valueWithShippingCents !== undefined ? amounts.valueWithShippingCents - (amounts.buyerShippingCents ?? 0) : undefined);
  const quantity = order.items[missing[0]].quantity;
  if (itemsTotal === undefined || quantity === undefined || !(quantity > 0)) return prices;
  const others = order.items.reduce((sum, item, index) => (index === missing[0] ? sum : sum + Math.round((item.quantity ?? 0) * (item.unitPriceCents ?? 0))), 0);
  const unit = (itemsTotal - others) / quantity;
  if (Number.isInteger(unit) && unit >= 0) prices[missing[0]] = unit;
  return prices;
}
