import { IderisApiError } from './ideris-api.error';
import type { IderisInvoiceSubmission, IderisTrackingSubmission } from './ideris-catalog.models';
import type { IderisClient } from './ideris-client';

/**
 * Order writes. The status write is the one a public production client makes (docs/contracts.md#ideris-order-status);
 * the invoice and tracking bodies are not public: each such method is one documented ASSUMPTION (docs/contracts.md#ideris-invoice-write), and the sandbox
 * implements the same contract, so switching to the real one is a change here only.
 */
export class IderisOrderWritesApi {
  constructor(private readonly client: IderisClient) {}

  /** `PUT /order {orderId, statusId}`, as a production app calls it (`PUT /order/status` was never called and is gone). */
  async changeOrderStatus(orderId: number, statusId: number): Promise<void> {
    await this.client.sendJson('PUT', '/order', { orderId, statusId });
  }

  // ASSUMPTION (docs/contracts.md#ideris-invoice-write): no v3 invoice endpoint was found anywhere; the legacy POST /NotaFiscal carried
  // {idPedido, chaveNota, numeroNota, serieNota, dataEmissaoNota, urlDanfe}, renamed and moved under /order.
  // The extra fields (`value`, `xml` — the legacy `xmlNota` —) are ASSUMED accepted or ignored by Ideris.
  // Returns Ideris's answer (`obj`), kept by the caller as the confirmation.
  async submitInvoice(invoice: IderisInvoiceSubmission): Promise<unknown> {
    if (!/^\d{44}$/.test(invoice.key)) throw new IderisApiError({ kind: 'validation', path: '/order/invoice', detail: 'the access key must have 44 digits' });
    return objOf(
      await this.client.sendJson('POST', '/order/invoice', {
        orderId: invoice.orderId,
        key: invoice.key,
        number: invoice.number,
        series: invoice.series,
        issuedAt: invoice.issuedAt.toISOString(),
        danfeUrl: invoice.danfeUrl,
        value: invoice.valueCents !== undefined ? invoice.valueCents / 100 : undefined,
        xml: invoice.xml,
      }),
    );
  }

  // ASSUMPTION (docs/contracts.md#ideris-v3-invoice-cancel): no v3 invoice endpoint is public, let alone a cancellation; modelled as POST /order/invoice/cancel
  // {orderId, key} beside the assumed POST /order/invoice (the legacy POST /NotaFiscal had a `processo` whose
  // table is not public). The order then reads back `invoice.cancelled: true` (see `delivered`).
  async cancelInvoice(orderId: number, key: string): Promise<unknown> {
    return objOf(await this.client.sendJson('POST', '/order/invoice/cancel', { orderId, key }));
  }

  /**
   * What the order already holds of the hub's writes, read back before a write whose outcome is unknown is made
   * again: the tracking code (`deliveryTrackingCode`, a documented v3 order field) and the invoice key
   * (ASSUMPTION, docs/contracts.md#ideris-invoice-write: the order answers the assumed invoice write as `invoice{key, …}`,
   * as the sandbox does).
   */
  async delivered(orderId: number): Promise<{ invoiceKey?: string; trackingCode?: string; invoiceCancelled?: boolean }> {
    const { raw } = await this.client.getOrder(orderId);
    const invoice = raw['invoice'];
    const invoiceKey = typeof invoice === 'object' && invoice !== null ? (invoice as Record<string, unknown>)['key'] : undefined;
    const trackingCode = raw['deliveryTrackingCode'];
    return {
      invoiceKey: typeof invoiceKey === 'string' && invoiceKey !== '' ? invoiceKey : undefined,
      trackingCode: typeof trackingCode === 'string' && trackingCode !== '' ? trackingCode : undefined,
      // ASSUMPTION (docs/contracts.md#ideris-v3-read-back): the order answers the assumed cancellation as `invoice.cancelled`.
      invoiceCancelled: typeof invoice === 'object' && invoice !== null && (invoice as Record<string, unknown>)['cancelled'] === true ? true : undefined,
    };
  }

  // ASSUMPTION (docs/contracts.md#ideris-tracking-write): no endpoint to send tracking was found (real setups let Tiny push it to a URL from Ideris
  // support); we model it as POST /order/tracking {orderId, trackingCode, trackingUrl?, carrier?,
  // shippingMethod?, freightService?}. Returns Ideris's answer (`obj`).
  async submitTracking(tracking: IderisTrackingSubmission): Promise<unknown> {
    return objOf(await this.client.sendJson('POST', '/order/tracking', tracking));
  }
}

function objOf(answer: unknown): unknown {
  return typeof answer === 'object' && answer !== null && 'obj' in answer ? (answer as { obj: unknown }).obj : (answer ?? null);
}
