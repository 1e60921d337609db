import { parseTinyNotification, type TinyNotification } from './tiny-notification.parser';
import { invoiceLocatorOf } from './tiny-order-notification.dto';

/** Issue 10, items 4, 5, 7: notification shapes seen from real senders (docs/contracts.md), composed from the facts. */
const CNPJ = '48404755000188';
const KEY = '35240548404755000188550010000012341000012345';

function parse(body: Record<string, unknown>): TinyNotification {
  const result = parseTinyNotification(JSON.stringify(body));
  if (!result.ok) throw new Error(result.error.message);
  return result.notification;
}

function reasonsOf(body: Record<string, unknown>): string[] {
  const result = parseTinyNotification(JSON.stringify(body));
  return result.ok ? [] : result.error.reasons;
}

describe('nota_fiscal from 1.0.0 senders, without idNotaFiscalTiny (contracts.md#tiny-nota-fiscal)', () => {
  const base = { versao: '1.0.0', cnpj: CNPJ, idEcommerce: 7321, tipo: 'nota_fiscal' };

  it.each([
    ['order id, number, series and key (ids and numero strings, valorNota a number)', { idVendaTiny: '700000123', numero: '1234', serie: '1', chaveAcesso: KEY, valorNota: 129.9, dataEmissao: '05/06/2024', idPedidoEcommerce: 'ML-1' }, { orderId: '700000123', number: '1234', series: '1', accessKey: KEY, ecommerceOrderNumber: 'ML-1' }],
    ['only the number and series', { numero: '1234', serie: '1' }, { number: '1234', series: '1' }],
    ['only the access key, formatted', { chaveAcesso: KEY.replace(/(\d{4})/g, '$1 ').trim() }, { accessKey: KEY }],
    ['a newer sender with the id as a number', { idNotaFiscalTiny: 880001, numero: '1234', chaveAcesso: KEY }, { invoiceId: '880001', number: '1234', accessKey: KEY }],
  ])('accepts %s and locates the invoice by what it has', (_label, dados, locator) => {
    const notification = parse({ ...base, dados });
    if (notification.kind !== 'nota_fiscal') throw new Error('expected nota_fiscal');
    expect(invoiceLocatorOf(notification.dados)).toMatchObject(locator);
  });

  it('refuses one that names nothing to find the invoice by', () => {
    expect(reasonsOf({ ...base, dados: { urlDanfe: 'https://x', valorNota: 10 } })).toEqual([expect.stringContaining('idNotaFiscalTiny, idVendaTiny, chaveAcesso or numero must be informed')]);
  });
});

describe('estoque, account-level shape (contracts.md#tiny-estoque)', () => {
  it.each([
    ['versao 1.0.1, no idEcommerce/tipoEstoque/skuMapeamento', { versao: '1.0.1', cnpj: CNPJ, tipo: 'estoque', dados: { idProduto: 915001, sku: 'CAM-P', nome: 'Camiseta P', saldo: 70 } }, { idProduto: '915001', sku: 'CAM-P', saldo: '70'}],
    ['the same with strings', { versao: '1.0.1', cnpj: '48.404.755/0001-88', tipo: 'estoque', dados: { idProduto: '915001', sku: 'CAM-P', saldo: '70.000' } }, { idProduto: '915001', sku: 'CAM-P', saldo: '70' }],
  ])('accepts %s', (_label, body, expected) => {
    const notification = parse(body);
    if (notification.kind !== 'estoque') throw new Error('expected estoque');
    expect(notification.envelope.idEcommerce).toBeUndefined();
    expect(notification.dados).toMatchObject(expected);
    expect([notification.dados.skuMapeamento, notification.dados.tipoEstoque]).toEqual([undefined, undefined]);
  });
});

describe('produto with variacoes wrapped as {variacao:{…}} (contracts.md#tiny-produto)', () => {
  const product = { id: 915100, nome: 'Camiseta', codigo: 'CAM', preco: '79.90' };
  const variation = (id: number, codigo: string) => ({ id, idMapeamento: '', skuMapeamento: '', codigo, preco: '79.90', grade: { Tamanho: codigo.slice(-1) } });

  it.each([
    ['flat', [variation(915101, 'CAM-P'), variation(915102, 'CAM-M')]],
    ['wrapped', [{ variacao: variation(915101, 'CAM-P') }, { variacao: variation(915102, 'CAM-M') }]],
    ['mixed', [{ variacao: variation(915101, 'CAM-P') }, variation(915102, 'CAM-M')]],
  ])('reads %s items alike', (_label, variacoes) => {
    const notification = parse({ versao: '1.0.0', cnpj: CNPJ, idEcommerce: 7321, tipo: 'produto', dados: { ...product, variacoes } });
    if (notification.kind !== 'produto') throw new Error('expected produto');
    expect(notification.dados.variacoes?.map((item) => ({ id: item.id, codigo: item.codigo, grade: item.grade }))).toEqual([
      { id: '915101', codigo: 'CAM-P', grade: { Tamanho: 'P' } },
      { id: '915102', codigo: 'CAM-M', grade: { Tamanho: 'M' } },
    ]);
  });

  it('still validates a wrapped item (a variation without id is refused)', () => {
    const reasons = reasonsOf({ versao: '1.0.0', cnpj: CNPJ, idEcommerce: 7321, tipo: 'produto', dados: { ...product, variacoes: [{ variacao: { codigo: 'CAM-P' } }] } });
    expect(reasons.join('; ')).toContain('variacoes.0.id');
  });
});
