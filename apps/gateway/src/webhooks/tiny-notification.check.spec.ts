import { checkTinyEnvelope } from './tiny-notification.check';

/** The gateway's intake check against the notification envelopes real senders use (docs/contracts.md). */
describe('checkTinyEnvelope', () => {
  const connection = { cnpj: '48404755000188', tinyIntegrationId: 7321 };

  it.each([
    ['the e-commerce estoque', { versao: '1.0.0', cnpj: '48404755000188', idEcommerce: 7321, tipo: 'estoque', dados: { saldo: 1, idProduto: 1, sku: 'A' } }, { ok: true, kind: 'estoque' }],
    ['the account-level estoque (versao 1.0.1, no idEcommerce)', { versao: '1.0.1', cnpj: '48404755000188', tipo: 'estoque', dados: { idProduto: 915001, sku: 'CAM-P', nome: 'Camiseta P', saldo: 70 } }, { ok: true, kind: 'estoque' }],
    ['a 1.0.0 nota_fiscal without idNotaFiscalTiny', { versao: '1.0.0', cnpj: '48.404.755/0001-88', idEcommerce: '7321', tipo: 'nota_fiscal', dados: { numero: '1234', serie: '1' } }, { ok: true, kind: 'nota_fiscal' }],
    ['another integration\'s notification', { versao: '1.0.0', cnpj: '48404755000188', idEcommerce: 99, tipo: 'estoque', dados: {} }, { ok: false, status: 422 }],
    ['another seller\'s notification', { versao: '1.0.1', cnpj: '11222333000181', tipo: 'estoque', dados: {} }, { ok: false, status: 422 }],
  ])('%s', (_label, body, expected) => {
    expect(checkTinyEnvelope(body, connection, (body as { tipo: string }).tipo)).toMatchObject(expected);
  });
});
