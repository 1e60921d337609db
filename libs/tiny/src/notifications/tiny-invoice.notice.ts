import type { TinyInvoiceLocator } from '../tiny-fiscal.models';
import { invoiceLocatorOf, type TinyInvoiceNotificationData } from './tiny-order-notification.dto';

/** An authorised invoice as Tiny announced it (`nota_fiscal`), in the hub's terms. */
export interface TinyInvoiceNotice {
  /** Missing from versao 1.0.0 senders (contracts.md#tiny-nota-fiscal): find it through `locator`. */
  tinyInvoiceId?: string;
  tinyOrderId?: string;
  marketplaceOrderCode?: string;
  danfeUrl?: string;
  /** What the notification names the invoice by (for `TinyFulfilmentApi.findInvoiceId`). */
  locator: TinyInvoiceLocator;
}

export function tinyInvoiceNoticeOf(dados: TinyInvoiceNotificationData): TinyInvoiceNotice {
  return {
    tinyInvoiceId: dados.idNotaFiscalTiny,
    tinyOrderId: dados.idVendaTiny,
    marketplaceOrderCode: dados.idPedidoEcommerce,
    danfeUrl: dados.urlDanfe,
    locator: invoiceLocatorOf(dados),
  };
}
