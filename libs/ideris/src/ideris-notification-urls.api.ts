import type { IderisClient } from './ideris-client';
import { checkNotificationUrl, type NotificationUrlPolicy } from './ideris-notification-url.policy';

/**
 * The seed's path for invoices and tracking: Tiny's own `nota_fiscal` and `rastreio` notifications posted to the two
 * URLs Ideris support gives the seller ("URL para envio da nota fiscal", "URL para envio de rastreio"). The envelope
 * and `dados` fields are Tiny's e-commerce notification format (reference tiny-api.md §7.2), the one Ideris contract
 * whose format is known; they live here because here they are what Ideris receives.
 */
export interface IderisInvoiceNotice {
  /** The seller's CNPJ, 14 digits. */
  cnpj: string;
  /** Tiny's id of this integration in the seller's account (`idEcommerce`). */
  tinyIntegrationId?: number | null;
  tinyInvoiceId: string;
  tinyOrderId: string;
  /** The marketplace order number the order carries in Tiny (`numero_ecommerce`). */
  marketplaceOrderCode?: string | null;
  number: string;
  series: string;
  accessKey: string;
  danfeUrl?: string | null;
  issuedAt: Date;
  valueCents?: number | null;
  /** Reports the invoice cancelled in Tiny after it was sent (see `tinyInvoiceNotification`). */
  cancelled?: boolean;
}

export interface IderisTrackingNotice {
  cnpj: string;
  tinyIntegrationId?: number | null;
  tinyOrderId: string;
  tinyInvoiceId?: string | null;
  marketplaceOrderCode?: string | null;
  trackingCode: string;
  trackingUrl?: string | null;
  carrier?: string | null;
  /** Tiny's v2 letter: `C` Correios, `T` transportadora. */
  shippingMethod?: string | null;
  freightService?: string | null;
}

export interface TinyFormatNotification {
  /** The notification as posted: byte-identical on every attempt at the same fact. */
  body: { versao: string; cnpj: string; idEcommerce?: number; tipo: 'nota_fiscal' | 'rastreio'; dados: Record<string, string | number> };
  /**
   * What a receiver de-duplicates by: the invoice and its situation, or the order and its tracking code. Built only
   * from fields of the body, so a receiver can compute it too.
   */
  dedupKey: string;
}

export interface IderisUrlDelivery {
  /** The 2xx that accepted it. */
  httpStatus: number;
  /** What the receiver answered, summed up (its body is never kept: see `IderisClient.postToUrl`). */
  contentType: string | null;
  bytes: number;
  dedupKey: string;
}

/** The `versao` of Tiny's e-commerce notifications that documents the `rastreio` fields (tiny-api.md §7.2). */
const TINY_NOTIFICATION_VERSION = '1.0.1';

/** Tiny NF situation 3. */
const CANCELLED_SITUATION = '3';

export function tinyInvoiceNotification(notice: IderisInvoiceNotice): TinyFormatNotification {
  const dados: Record<string, string | number> = {
    // A number, as newer Tiny senders send it (evidence.md, row "Webhook nota_fiscal"); ids elsewhere stay strings.
    idNotaFiscalTiny: Number(notice.tinyInvoiceId),
    numero: notice.number,
    serie: notice.series,
    chaveAcesso: notice.accessKey,
    urlDanfe: notice.danfeUrl ?? '',
    dataEmissao: brazilDate(notice.issuedAt),
    valorNota: (notice.valueCents ?? 0) / 100,
    idPedidoEcommerce: notice.marketplaceOrderCode ?? '',
    idVendaTiny: notice.tinyOrderId,
  };
  if (notice.cancelled) {
    // ASSUMPTION (docs/contracts.md, "Ideris invoice URL"): Tiny's documented nota_fiscal fields carry no situation;
    // a cancellation is reported as the same notification plus Tiny's NF situation, in the `situacao` +
    // `descricaoSituacao` pair Tiny's situacao_pedido notification uses.
    dados['situacao'] = CANCELLED_SITUATION;
    dados['descricaoSituacao'] = 'Cancelada';
  }
  return {
    body: envelope(notice, 'nota_fiscal', dados),
    dedupKey: `nota_fiscal:${notice.tinyInvoiceId}:${notice.cancelled ? 'cancelled' : 'issued'}`,
  };
}

export function tinyTrackingNotification(notice: IderisTrackingNotice): TinyFormatNotification {
  const dados: Record<string, string | number> = {
    idEntregaEcommerce: '',
    idVendaTiny: notice.tinyOrderId,
    idNotaFiscalTiny: notice.tinyInvoiceId ?? '',
    idPedidoEcommerce: notice.marketplaceOrderCode ?? '',
    codigoRastreio: notice.trackingCode,
    urlRastreio: notice.trackingUrl ?? '',
    transportadora: notice.carrier ?? '',
    formaEnvio: notice.shippingMethod ?? '',
    formaFrete: notice.freightService ?? '',
  };
  return { body: envelope(notice, 'rastreio', dados), dedupKey: `rastreio:${notice.tinyOrderId}:${notice.trackingCode}` };
}

/** Delivers Tiny-format notifications to the seller's Ideris URLs, under the account's API budget. */
export class IderisNotificationUrlsApi {
  constructor(
    private readonly client: IderisClient,
    private readonly policy: NotificationUrlPolicy,
  ) {}

  async deliverInvoice(url: string, notice: IderisInvoiceNotice): Promise<IderisUrlDelivery> {
    return this.deliver(url, 'nota-fiscal', tinyInvoiceNotification(notice));
  }

  async deliverTracking(url: string, notice: IderisTrackingNotice): Promise<IderisUrlDelivery> {
    return this.deliver(url, 'rastreio', tinyTrackingNotification(notice));
  }

  private async deliver(url: string, label: string, notification: TinyFormatNotification): Promise<IderisUrlDelivery> {
    await checkNotificationUrl(url, `url:${label}`, this.policy);
    const { status, contentType, bytes } = await this.client.postToUrl(url, notification.body, label);
    return { httpStatus: status, contentType, bytes, dedupKey: notification.dedupKey };
  }
}

function envelope(notice: { cnpj: string; tinyIntegrationId?: number | null }, tipo: 'nota_fiscal' | 'rastreio', dados: Record<string, string | number>): TinyFormatNotification['body'] {
  return {
    versao: TINY_NOTIFICATION_VERSION,
    cnpj: notice.cnpj,
    ...(notice.tinyIntegrationId ? { idEcommerce: notice.tinyIntegrationId } : {}),
    tipo,
    dados,
  };
}

/** Tiny's notifications carry `dd/mm/yyyy` in America/Sao_Paulo. */
function brazilDate(date: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Sao_Paulo', day: '2-digit', month: '2-digit', year: 'numeric' }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')}/${part('month')}/${part('year')}`;
}
