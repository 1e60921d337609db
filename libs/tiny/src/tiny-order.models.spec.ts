import { centsToDecimal, mapTinyOrder, toTinyOrderDocument } from './tiny-order.models';

describe('Tiny order wire mapping', () => {
  it('wraps the pedido.incluir document in its "pedido" root with dot decimals and a São Paulo date', () => {
    const document = JSON.parse(
      toTinyOrderDocument({
        orderDate: new Date('2024-06-05T02:00:00Z'),
        customer: { name: 'Maria' },
        items: [{ description: 'Camiseta', unit: 'UN', quantity: 1.5, unitPriceCents: 4990 }],
        shippingCents: 5,
      }),
    ) as { pedido: Record<string, any> };
    expect(document.pedido['data_pedido']).toBe('04/06/2024');
    expect(document.pedido['itens']).toEqual([{ item: { descricao: 'Camiseta', unidade: 'UN', quantidade: '1.5', valor_unitario: '49.90' } }]);
    expect(document.pedido['valor_frete']).toBe('0.05');
  });

  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [4990, '49.90'],
    [-125, '-1.25'],
  ])('centsToDecimal(%p) = %p', (cents, decimal) => {
    expect(centsToDecimal(cents)).toBe(decimal);
  });

  it('reads pedido.obter with numeric ids, a single item object and id_nota_fiscal as a number', () => {
    const order = mapTinyOrder({
      id: 37644545,
      numero: 12,
      data_pedido: '05/06/2024',
      situacao: 'Faturado (atendido)',
      cliente: { nome: 'Maria', cpf_cnpj: '814.134.138-38' },
      itens: { item: { codigo: 123, descricao: 'X', quantidade: '1.0000', valor_unitario: 36.32 } },
      total_pedido: '36.32',
      id_nota_fiscal: 987,
    });
    expect(order).toMatchObject({ id: '37644545', number: '12', situation: 'faturado', customerDocument: '81413413838', totalCents: 3632, invoiceId: '987' });
    expect(order?.items).toEqual([{ productId: undefined, sku: '123', description: 'X', unit: undefined, quantity: '1', unitPriceCents: 3632 }]);
  });
});
