import type { TinyTrackingNotificationData } from './tiny-order-notification.dto';

/** A tracking code as Tiny announced it (`rastreio`), in the hub's terms. */
export interface TinyTrackingNotice {
  tinyOrderId: string;
  tinyInvoiceId?: string;
  marketplaceOrderCode?: string;
  details: {
    trackingCode: string;
    trackingUrl?: string;
    carrier?: string;
    /** v2 single letter: `C` Correios, `T` transportadora, … (Tiny's `formaEnvio`). */
    shippingMethod?: string;
    /** Tiny's `formaFrete`. */
    freightService?: string;
  };
}

export function tinyTrackingNoticeOf(dados: TinyTrackingNotificationData): TinyTrackingNotice {
  return {
    tinyOrderId: dados.idVendaTiny,
    tinyInvoiceId: dados.idNotaFiscalTiny,
    marketplaceOrderCode: dados.idPedidoEcommerce,
    details: { trackingCode: dados.codigoRastreio, trackingUrl: dados.urlRastreio, carrier: dados.transportadora, shippingMethod: dados.formaEnvio, freightService: dados.formaFrete },
  };
}
