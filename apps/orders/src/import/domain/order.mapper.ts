import type { IderisOrderDetail } from '@hub/ideris';
import type { TinyOrderDraft, TinyOrderSituation } from '@hub/tiny';
import { mapCustomer } from './customer.mapper';
import { mapItems } from './items.mapper';
import { mapPayments } from './payments.mapper';

export interface OrderMappingContext {
  /** The connection's `idEcommerce` in Tiny. */
  tinyIntegrationId: number | null;
  /** e.g. 'Ideris'. */
  ecommerceName: string;
  /** Ideris statusId (as a string) → Tiny situation; unmapped statuses open as 'aberto'. */
  statusMap: Record<string, TinyOrderSituation>;
  /** The SKU de-para: the Tiny product code for a marketplace SKU, or for the listing when the SKU is null. */
  resolveProductCode(item: { sku: string | null; listingCode?: string }): string | undefined;
  allowFreeTextItems: boolean;
}

export type OrderMappingResult =
  | { ok: true; draft: TinyOrderDraft; customerDocument: string | null; skus: string[] }
  | { ok: false; reason: 'needs-mapping'; unknownSkus: string[] }
  | { ok: false; reason: 'invalid'; problems: string[] };

const DEFAULT_SITUATION: TinyOrderSituation = 'aberto';

/**
 * Ideris order → `pedido.incluir` draft. `skus` are the Tiny product codes of the order's items.
 * An invalid order wins over one that needs mapping: adding a mapping would not make it importable.
 */
export function mapIderisOrderToTiny(order: IderisOrderDetail, ctx: OrderMappingContext): OrderMappingResult {
  const customer = mapCustomer(order);
  const items = mapItems(order, ctx);
  const shippingCents = order.amounts.buyerShippingCents ?? 0;
  // ASSUMPTION (docs/contracts.md#ideris-order-detail): `discountMarketplace` is funded by the marketplace, which repays it to the seller, so the
  // sale (and its NF-e) keeps the full price; only the seller's own `discount` reduces the Tiny order.
  const discountCents = order.amounts.discountCents ?? 0;
  const totalCents = items.itemsTotalCents + shippingCents - discountCents;
  const problems = [...customer.problems, ...items.problems];
  if (!order.code) problems.push('order has no marketplace order code');
  if (shippingCents < 0) problems.push('freight is negative');
  if (discountCents < 0) problems.push('discount is negative');
  if (items.problems.length === 0 && totalCents < 0) problems.push('discount exceeds items plus freight');
  if (problems.length > 0) return { ok: false, reason: 'invalid', problems };
  if (items.unknownSkus.length > 0) return { ok: false, reason: 'needs-mapping', unknownSkus: items.unknownSkus };

  const orderDate = saleDate(order);
  const payments = mapPayments(order.payments, totalCents, orderDate);
  const draft: TinyOrderDraft = {
    orderDate,
    ecommerceOrderNumber: order.code,
    ecommerceName: ctx.ecommerceName,
    ecommerceId: ctx.tinyIntegrationId ?? undefined,
    customer: customer.customer,
    deliveryAddress: customer.deliveryAddress,
    items: items.items,
    shippingCents: shippingCents > 0 ? shippingCents : undefined,
    discountCents: discountCents > 0 ? discountCents : undefined,
    installments: payments.installments.length > 0 ? payments.installments : undefined,
    paymentMethod: payments.paymentMethod,
    intermediary: order.intermediary?.name ? { name: order.intermediary.name, cnpj: order.intermediary.cnpj } : undefined,
    markers: order.marketplaceName ? [order.marketplaceName] : undefined,
    situation: (order.statusId !== undefined ? ctx.statusMap[String(order.statusId)] : undefined) ?? DEFAULT_SITUATION,
    internalNotes: [`Ideris ${order.id}`, order.cartCode && `carrinho ${order.cartCode}`].filter(Boolean).join(', '),
  };
  return { ok: true, draft, customerDocument: customer.document, skus: items.productCodes };
}

/** The sale counts from payment approval; older payloads only carry the payment's or the order's date. */
function saleDate(order: IderisOrderDetail): Date | undefined {
  if (order.approved) return order.approved;
  const paymentDates = order.payments.flatMap((payment) => (payment.approved ? [payment.approved] : []));
  if (paymentDates.length > 0) return new Date(Math.min(...paymentDates.map((date) => date.getTime())));
  return order.created;
}
