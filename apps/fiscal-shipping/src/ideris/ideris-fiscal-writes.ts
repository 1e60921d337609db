import type { IderisClient } from '@hub/ideris';

export interface InvoiceForIderis {
  orderId: number;
  /** 44 digits. */
  key: string;
  number: string;
  series: string;
  issuedAt: Date;
  valueCents?: number;
  danfeUrl?: string;
  /** The authorised NF-e XML (`<nfeProc>…`), as Tiny gives it: Tiny v2 has no link to the XML, only its content. */
  xml?: string;
}

export interface TrackingForIderis {
  orderId: number;
  trackingCode: string;
  trackingUrl?: string;
  carrier?: string;
  /** `Correios` or `Transportadora`. */
  shippingMethod: string;
  /** The freight service (`PAC`, `SEDEX`, a carrier's service), when Tiny says it. */
  freightService?: string;
}

/**
 * WORKAROUND (libs/ideris): `IderisOrderWritesApi.submitInvoice/submitTracking` return nothing and send
 * neither the XML, the value nor the shipping method. Until that API grows them, the same ASSUMED
 * contracts (`POST /order/invoice`, `POST /order/tracking`, see libs/ideris/src/ideris-order-writes.api.ts)
 * are sent here through the client's public `sendJson`, with the extra fields, and Ideris's answer is kept.
 * ASSUMPTION: the extra fields (`value`, `xml` — the legacy `xmlNota` —, `shippingMethod`, `freightService`)
 * are accepted or ignored by Ideris.
 */
export class IderisFiscalWrites {
  constructor(private readonly client: IderisClient) {}

  async submitInvoice(invoice: InvoiceForIderis): Promise<unknown> {
    const answer = await this.client.sendJson('POST', '/order/invoice', {
      orderId: invoice.orderId,
      key: invoice.key,
      number: invoice.number,
      series: invoice.series,
      issuedAt: invoice.issuedAt.toISOString(),
      danfeUrl: invoice.danfeUrl,
      value: invoice.valueCents !== undefined ? invoice.valueCents / 100 : undefined,
      xml: invoice.xml,
    });
    return objOf(answer);
  }

  async submitTracking(tracking: TrackingForIderis): Promise<unknown> {
    const answer = await this.client.sendJson('POST', '/order/tracking', {
      orderId: tracking.orderId,
      trackingCode: tracking.trackingCode,
      trackingUrl: tracking.trackingUrl,
      carrier: tracking.carrier,
      shippingMethod: tracking.shippingMethod,
      freightService: tracking.freightService,
    });
    return objOf(answer);
  }
}

function objOf(answer: unknown): unknown {
  return typeof answer === 'object' && answer !== null && 'obj' in answer ? (answer as { obj: unknown }).obj : (answer ?? null);
}
