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

  it('emits delivery address, discount, installments, payment, intermediary, markers and the integration id with Tiny names', () => {
    const document = JSON.parse(
      toTinyOrderDocument({
        orderDate: new Date('2025-08-20T01:30:00Z'),
        ecommerceOrderNumber: '2000008123456789',
        ecommerceName: 'Ideris',
        ecommerceId: 4321,
        customer: { name: 'Maria Souza', personType: 'F', document: '12345678909', country: 'Brasil', updateExisting: true },
        deliveryAddress: {
          recipientName: 'Portaria',
          street: 'Rua A',
          number: '100',
          complement: 'Apto 2',
          district: 'Centro',
          zipCode: '01001000',
          city: 'São Paulo',
          state: 'SP',
          phone: '(11) 91234-5678',
        },
        items: [{ sku: 'CAM-AZ-M', description: 'Camiseta', unit: 'UN', quantity: 1, unitPriceCents: 10000 }],
        shippingCents: 1990,
        discountCents: 1990,
        installments: [
          { days: 0, dueDate: new Date('2025-08-20T01:30:00Z'), amountCents: 3334, paymentMethod: 'credito' },
          { days: 30, amountCents: 3333, notes: '2/3' },
        ],
        paymentMethod: 'credito',
        paymentMeans: 'Mercado Pago',
        intermediary: { name: 'Mercado Livre', cnpj: '03007331000141' },
        markers: ['Mercado Livre'],
        internalNotes: 'Ideris 4815162',
        situation: 'aberto',
      }),
    ) as { pedido: Record<string, any> };
    expect(document.pedido).toMatchObject({
      data_pedido: '19/08/2025',
      numero_pedido_ecommerce: '2000008123456789',
      ecommerce: 'Ideris',
      id_ecommerce: 4321,
      cliente: { nome: 'Maria Souza', tipo_pessoa: 'F', cpf_cnpj: '12345678909', pais: 'Brasil', atualizar_cliente: 'S' },
      endereco_entrega: {
        nome_destinatario: 'Portaria',
        endereco: 'Rua A',
        numero: '100',
        complemento: 'Apto 2',
        bairro: 'Centro',
        cep: '01001000',
        cidade: 'São Paulo',
        uf: 'SP',
        fone: '(11) 91234-5678',
      },
      valor_frete: '19.90',
      valor_desconto: '19.90',
      forma_pagamento: 'credito',
      meio_pagamento: 'Mercado Pago',
      intermediador: { nome: 'Mercado Livre', cnpj: '03007331000141' },
      marcadores: [{ marcador: { descricao: 'Mercado Livre' } }],
      situacao: 'aberto',
      obs_internas: 'Ideris 4815162',
    });
    expect(document.pedido['parcelas']).toEqual([
      { parcela: { dias: '0', data: '19/08/2025', valor: '33.34', forma_pagamento: 'credito' } },
      { parcela: { dias: '30', valor: '33.33', obs: '2/3' } },
    ]);
  });

  it('leaves the new optional fields out of the document when the draft has none', () => {
    const document = JSON.parse(toTinyOrderDocument({ customer: { name: 'Maria', updateExisting: false }, items: [] })) as { pedido: Record<string, any> };
    expect(Object.keys(document.pedido).sort()).toEqual(['cliente', 'itens']);
    expect(document.pedido['cliente']).toEqual({ nome: 'Maria', atualizar_cliente: 'N' });
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
