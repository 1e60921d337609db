import { tinyInvoiceNotification, tinyTrackingNotification, type IderisInvoiceNotice } from './ideris-notification-urls.api';

const invoice: IderisInvoiceNotice = {
  cnpj: '12345678000195',
  tinyIntegrationId: 1001,
  tinyInvoiceId: '700001',
  tinyOrderId: '500001',
  marketplaceOrderCode: '20001',
  number: '123',
  series: '1',
  accessKey: '3'.repeat(44),
  danfeUrl: 'https://erp.tiny.com.br/doc.view?id=abc',
  // 01:30 UTC on 1 Jan is still 31 Dec in São Paulo (UTC−3).
  issuedAt: new Date('2025-01-01T01:30:00Z'),
  valueCents: 6980,
};

describe("Tiny's notification format towards the Ideris URLs", () => {
  it.each([
    ['an issued invoice', invoice, { tipo: 'nota_fiscal', dedupKey: 'nota_fiscal:700001:issued', extra: {} }],
    ['a cancelled invoice', { ...invoice, cancelled: true }, { tipo: 'nota_fiscal', dedupKey: 'nota_fiscal:700001:cancelled', extra: { situacao: '3', descricaoSituacao: 'Cancelada' } }],
  ])('%s: envelope and dados as tiny-api.md §7.2 lists them', (_, notice, expected) => {
    const { body, dedupKey } = tinyInvoiceNotification(notice);
    expect(body).toEqual({
      versao: '1.0.1',
      cnpj: '12345678000195',
      idEcommerce: 1001,
      tipo: expected.tipo,
      dados: {
        idNotaFiscalTiny: 700001,
        numero: '123',
        serie: '1',
        chaveAcesso: '3'.repeat(44),
        urlDanfe: 'https://erp.tiny.com.br/doc.view?id=abc',
        dataEmissao: '31/12/2024',
        valorNota: 69.8,
        idPedidoEcommerce: '20001',
        idVendaTiny: '500001',
        ...expected.extra,
      },
    });
    expect(dedupKey).toBe(expected.dedupKey);
  });

  it.each<[string, { trackingCode: string; shippingMethod: string; carrier: string; freightService?: string }, string]>([
    ['Correios', { trackingCode: 'BR123', shippingMethod: 'C', carrier: 'Correios' }, 'rastreio:500001:BR123'],
    ['a changed code gets its own key', { trackingCode: 'BR999', shippingMethod: 'C', carrier: 'Correios' }, 'rastreio:500001:BR999'],
    ['a transportadora', { trackingCode: 'TR1', shippingMethod: 'T', carrier: 'Jadlog', freightService: '.Package' }, 'rastreio:500001:TR1'],
  ])('rastreio for %s', (_, fields, key) => {
    const { body, dedupKey } = tinyTrackingNotification({ cnpj: '12345678000195', tinyOrderId: '500001', tinyInvoiceId: '700001', marketplaceOrderCode: '20001', ...fields });
    expect(body.tipo).toBe('rastreio');
    expect(body).not.toHaveProperty('idEcommerce');
    expect(Object.keys(body.dados)).toEqual(['idEntregaEcommerce', 'idVendaTiny', 'idNotaFiscalTiny', 'idPedidoEcommerce', 'codigoRastreio', 'urlRastreio', 'transportadora', 'formaEnvio', 'formaFrete']);
    expect(body.dados).toMatchObject({ idVendaTiny: '500001', codigoRastreio: fields.trackingCode, formaEnvio: fields.shippingMethod, transportadora: fields.carrier, formaFrete: fields.freightService ?? '' });
    expect(dedupKey).toBe(key);
  });

  it('is byte-identical on every attempt at the same fact', () => {
    expect(JSON.stringify(tinyInvoiceNotification(invoice).body)).toBe(JSON.stringify(tinyInvoiceNotification({ ...invoice }).body));
  });
});
