import { Inject, Injectable } from '@nestjs/common';
import type { InvoiceTrackingPath } from '@hub/contracts';
import { ConnectionDirectory } from '@hub/connections';
import {
  IderisNotificationUrlsApi, IderisOrderWritesApi, NotificationUrlError, type IderisInvoiceSubmission, type IderisTrackingSubmission, type NotificationUrlPolicy,
} from '@hub/ideris';
import type { ConnectionClientSet } from '@hub/integrations';
import { NOTIFICATION_URL_POLICY } from '../fiscal-shipping.config';

/** One invoice as the hub knows it, enough for either path. */
export interface InvoiceDelivery {
  submission: IderisInvoiceSubmission;
  tinyInvoiceId: string;
  tinyOrderId: string;
  marketplaceOrderCode: string | null;
}

export interface TrackingDelivery {
  submission: IderisTrackingSubmission;
  tinyOrderId: string;
  tinyInvoiceId: string | null;
  marketplaceOrderCode: string | null;
}

/**
 * How one connection's invoices and tracking reach Ideris (`invoiceTrackingPath`). Both paths answer Ideris's answer
 * on acceptance and throw `IderisApiError` otherwise. `readBack*` says whether Ideris already holds a fact whose send
 * was never confirmed; `undefined` = the path offers no read-back (a notification URL), and the caller sends the
 * byte-identical notification again, which the receiver de-duplicates by its key (see ADR 0015).
 */
export interface IderisDelivery {
  readonly path: InvoiceTrackingPath;
  sendInvoice(invoice: InvoiceDelivery): Promise<unknown>;
  cancelInvoice(invoice: InvoiceDelivery): Promise<unknown>;
  sendTracking(tracking: TrackingDelivery): Promise<unknown>;
  readBackInvoice(iderisOrderId: number, key: string, cancelled: boolean): Promise<boolean | undefined>;
  readBackTracking(iderisOrderId: number, trackingCode: string): Promise<boolean | undefined>;
}

/** Tiny's v2 letters for the shipping methods the readiness rule lets through. */
const METHOD_LETTERS: Record<string, string> = { Correios: 'C', Transportadora: 'T' };

@Injectable()
export class IderisDeliveries {
  constructor(
    private readonly directory: ConnectionDirectory,
    @Inject(NOTIFICATION_URL_POLICY) private readonly urlPolicy: NotificationUrlPolicy,
  ) {}

  /** The connection's path, or the one an unconfirmed send used (a send is finished the way it was started). */
  async of(clients: ConnectionClientSet, startedOn?: string | null): Promise<IderisDelivery> {
    const path: InvoiceTrackingPath = startedOn === 'notification_urls' || startedOn === 'ideris_api' ? startedOn : clients.connection.invoiceTrackingPath;
    if (path === 'ideris_api') return new V3Delivery(new IderisOrderWritesApi(clients.ideris));
    const urls = await this.directory.notificationUrls(clients.connection.id);
    return new UrlDelivery(new IderisNotificationUrlsApi(clients.ideris, this.urlPolicy), urls, clients.connection.cnpj ?? '', clients.connection.tinyIntegrationId);
  }
}

class V3Delivery implements IderisDelivery {
  readonly path = 'ideris_api' as const;
  constructor(private readonly writes: IderisOrderWritesApi) {}

  sendInvoice(invoice: InvoiceDelivery): Promise<unknown> {
    return this.writes.submitInvoice(invoice.submission);
  }

  cancelInvoice(invoice: InvoiceDelivery): Promise<unknown> {
    return this.writes.cancelInvoice(invoice.submission.orderId, invoice.submission.key);
  }

  // ASSUMPTION (docs/contracts.md#ideris-v3-tracking): a changed code is the same assumed POST /order/tracking again; the order then reads back the new one.
  sendTracking(tracking: TrackingDelivery): Promise<unknown> {
    return this.writes.submitTracking(tracking.submission);
  }

  async readBackInvoice(iderisOrderId: number, key: string, cancelled: boolean): Promise<boolean> {
    const held = await this.writes.delivered(iderisOrderId);
    return held.invoiceKey === key && (!cancelled || held.invoiceCancelled === true);
  }

  async readBackTracking(iderisOrderId: number, trackingCode: string): Promise<boolean> {
    return (await this.writes.delivered(iderisOrderId)).trackingCode === trackingCode;
  }
}

class UrlDelivery implements IderisDelivery {
  readonly path = 'notification_urls' as const;
  constructor(
    private readonly api: IderisNotificationUrlsApi,
    private readonly urls: { invoiceUrl?: string; trackingUrl?: string },
    private readonly cnpj: string,
    private readonly tinyIntegrationId: number | null,
  ) {}

  sendInvoice(invoice: InvoiceDelivery): Promise<unknown> {
    return this.api.deliverInvoice(this.url('invoiceUrl'), this.invoiceNotice(invoice, false));
  }

  cancelInvoice(invoice: InvoiceDelivery): Promise<unknown> {
    return this.api.deliverInvoice(this.url('invoiceUrl'), this.invoiceNotice(invoice, true));
  }

  sendTracking(tracking: TrackingDelivery): Promise<unknown> {
    const { submission } = tracking;
    return this.api.deliverTracking(this.url('trackingUrl'), {
      cnpj: this.cnpj,
      tinyIntegrationId: this.tinyIntegrationId,
      tinyOrderId: tracking.tinyOrderId,
      tinyInvoiceId: tracking.tinyInvoiceId,
      marketplaceOrderCode: tracking.marketplaceOrderCode,
      trackingCode: submission.trackingCode,
      trackingUrl: submission.trackingUrl,
      carrier: submission.carrier,
      shippingMethod: submission.shippingMethod ? (METHOD_LETTERS[submission.shippingMethod] ?? submission.shippingMethod) : undefined,
      freightService: submission.freightService,
    });
  }

  async readBackInvoice(): Promise<undefined> {
    return undefined;
  }

  async readBackTracking(): Promise<undefined> {
    return undefined;
  }

  private invoiceNotice(invoice: InvoiceDelivery, cancelled: boolean) {
    const { submission } = invoice;
    return {
      cnpj: this.cnpj,
      tinyIntegrationId: this.tinyIntegrationId,
      tinyInvoiceId: invoice.tinyInvoiceId,
      tinyOrderId: invoice.tinyOrderId,
      marketplaceOrderCode: invoice.marketplaceOrderCode,
      number: submission.number,
      series: submission.series,
      accessKey: submission.key,
      danfeUrl: submission.danfeUrl,
      issuedAt: submission.issuedAt,
      valueCents: submission.valueCents,
      cancelled,
    };
  }

  /** A URL removed after the path was chosen (or a send finished on this path): an operator must set it again. */
  private url(which: 'invoiceUrl' | 'trackingUrl'): string {
    const url = this.urls[which];
    if (!url) throw new NotificationUrlError('url_missing', `url:${which}`, `the connection's ${which === 'invoiceUrl' ? 'iderisInvoiceUrl' : 'iderisTrackingUrl'} is not set: set the URL Ideris support gave`);
    return url;
  }
}
