import { parseTinyNotification, type TinyNotification } from './tiny-notification.parser';
import { tinyInvoiceNoticeOf } from './tiny-invoice.notice';
import { tinyTrackingNoticeOf } from './tiny-tracking.notice';

const envelope = { versao: '1.0.1', cnpj: '48404755000188', idEcommerce: 7321 };

function parse(body: Record<string, unknown>): TinyNotification {
  const result = parseTinyNotification(JSON.stringify({ ...envelope, ...body }));
  if (!result.ok) throw result.error;
  return result.notification;
}

describe('tinyInvoiceNoticeOf', () => {
  it('names the invoice, its order and the DANFE in our terms', () => {
    const notification = parse({ tipo: 'nota_fiscal', dados: { idNotaFiscalTiny: 880001, idVendaTiny: '700000123', idPedidoEcommerce: 'ML-1', urlDanfe: 'https://danfe/1', numero: '1234', serie: '1' } });
    if (notification.kind !== 'nota_fiscal') throw new Error('expected nota_fiscal');
    expect(tinyInvoiceNoticeOf(notification.dados)).toEqual({
      tinyInvoiceId: '880001',
      tinyOrderId: '700000123',
      marketplaceOrderCode: 'ML-1',
      danfeUrl: 'https://danfe/1',
      locator: { invoiceId: '880001', orderId: '700000123', number: '1234', series: '1', ecommerceOrderNumber: 'ML-1' },
    });
  });

  it('a 1.0.0 sender without idNotaFiscalTiny (contracts.md#tiny-nota-fiscal): no invoice id, a locator by order, number and series', () => {
    const notification = parse({ versao: '1.0.0', tipo: 'nota_fiscal', dados: { idVendaTiny: 700000123, numero: '1234', serie: '1' } });
    if (notification.kind !== 'nota_fiscal') throw new Error('expected nota_fiscal');
    const notice = tinyInvoiceNoticeOf(notification.dados);
    expect(notice.tinyInvoiceId).toBeUndefined();
    expect(notice.locator).toMatchObject({ orderId: '700000123', number: '1234', series: '1' });
  });
});

describe('tinyTrackingNoticeOf', () => {
  it.each([
    ['idVendaTiny', { idVendaTiny: 55 }],
    ['the `id` spelling one sender uses', { id: '55' }],
  ])('takes the order from %s and the tracking details in our terms', (_label, order) => {
    const notification = parse({ tipo: 'rastreio', dados: { ...order, idNotaFiscalTiny: 9, idPedidoEcommerce: 'ML-9', codigoRastreio: 'BR123', urlRastreio: 'https://t/BR123', transportadora: 'Correios', formaEnvio: 'C', formaFrete: 'SEDEX' } });
    if (notification.kind !== 'rastreio') throw new Error('expected rastreio');
    expect(tinyTrackingNoticeOf(notification.dados)).toEqual({
      tinyOrderId: '55',
      tinyInvoiceId: '9',
      marketplaceOrderCode: 'ML-9',
      details: { trackingCode: 'BR123', trackingUrl: 'https://t/BR123', carrier: 'Correios', shippingMethod: 'C', freightService: 'SEDEX' },
    });
  });
});
