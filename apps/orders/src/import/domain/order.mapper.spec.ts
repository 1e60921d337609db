import { mapIderisOrderDetail, type IderisOrderDetail } from '@hub/ideris';
import { toTinyOrderDocument, type TinyOrderDraft } from '@hub/tiny';
import { mapIderisOrderToTiny, type OrderMappingContext, type OrderMappingResult } from './order.mapper';
import { splitCents } from './payments.mapper';

/** The reference's composed v3 order (ideris-api.md §2.2) plus a unit price. */
function rawOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 4815162,
    code: '2000008123456789',
    marketplaceName: 'Mercado Livre',
    authenticationId: 4,
    authenticationName: 'LOJA_EXEMPLO',
    intermediaryName: 'Mercado Pago',
    statusId: 1007,
    statusDescription: 'Aberto',
    approved: '2025-08-20T14:03:11-03:00',
    customerFirstName: 'Maria',
    customerLastName: 'Souza',
    customerNickname: 'MARIASOUZA',
    customerEmail: 'maria@example.com',
    documentType: 'CPF',
    documentValue: '12345678909',
    phoneAreaCode: '11',
    phoneNumber: '912345678',
    addressLine: 'Rua A, 100 - Apto 2',
    addressStreet: 'Rua A',
    addressNumber: '100',
    addressComment: 'Apto 2',
    districtName: 'Centro',
    cityName: 'São Paulo',
    stateName: 'São Paulo',
    stateAbbreviation: 'SP',
    countryName: 'Brasil',
    addressZipCode: '01001000',
    addressReceiverName: 'Maria Souza',
    addressReceiverPhone: '11912345678',
    valueWithShipping: 129.9,
    paidAmount: 129.9,
    feeShipment: 19.9,
    discount: 0,
    discountMarketplace: 0,
    items: [{ sku: 'CAM-AZ-M', title: 'Camiseta Azul M', quantity: 1, price: 110 }],
    payments: [{ approved: '2025-08-20T14:03:11-03:00' }],
    ...overrides,
  };
}

function order(overrides: Record<string, unknown> = {}): IderisOrderDetail {
  const mapped = mapIderisOrderDetail(rawOrder(overrides));
  if (!mapped) throw new Error('test order did not map');
  return mapped;
}

const KNOWN_CODES: Record<string, string> = {
  'CAM-AZ-M': 'CAM-AZ-M',
  'CAM-AZ-G': 'CAM-AZ-G',
  'KIT-3CAM': 'KIT-3CAM',
  'sku-legacy': 'TINY-042',
  'listing:MLB123': 'CAM-PR-P',
};

function context(overrides: Partial<OrderMappingContext> = {}): OrderMappingContext {
  return {
    tinyIntegrationId: 4321,
    ecommerceName: 'Ideris',
    statusMap: { '1007': 'aprovado', '1009': 'preparando_envio' },
    resolveProductCode: ({ sku, listingCode }) => (sku !== null ? KNOWN_CODES[sku] : listingCode ? KNOWN_CODES[`listing:${listingCode}`] : undefined),
    allowFreeTextItems: false,
    ...overrides,
  };
}

function draftOf(result: OrderMappingResult): TinyOrderDraft {
  if (!result.ok) throw new Error(`expected a draft, got ${JSON.stringify(result)}`);
  return result.draft;
}

function tinyDocument(result: OrderMappingResult): Record<string, any> {
  return (JSON.parse(toTinyOrderDocument(draftOf(result))) as { pedido: Record<string, any> }).pedido;
}

function installmentsOf(result: OrderMappingResult): number[] {
  return (draftOf(result).installments ?? []).map((installment) => installment.amountCents);
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

describe('mapIderisOrderToTiny', () => {
  it('maps the reference order into a complete pedido.incluir document', () => {
    const result = mapIderisOrderToTiny(order(), context());
    expect(result).toMatchObject({ ok: true, customerDocument: '12345678909', skus: ['CAM-AZ-M'] });
    expect(tinyDocument(result)).toEqual({
      data_pedido: '20/08/2025',
      numero_pedido_ecommerce: '2000008123456789',
      ecommerce: 'Ideris',
      id_ecommerce: 4321,
      cliente: {
        nome: 'Maria Souza',
        tipo_pessoa: 'F',
        cpf_cnpj: '12345678909',
        email: 'maria@example.com',
        fone: '(11) 91234-5678',
        endereco: 'Rua A',
        numero: '100',
        complemento: 'Apto 2',
        bairro: 'Centro',
        cep: '01001000',
        cidade: 'São Paulo',
        uf: 'SP',
        atualizar_cliente: 'S',
      },
      endereco_entrega: {
        nome_destinatario: 'Maria Souza',
        endereco: 'Rua A',
        numero: '100',
        complemento: 'Apto 2',
        bairro: 'Centro',
        cep: '01001000',
        cidade: 'São Paulo',
        uf: 'SP',
        fone: '(11) 91234-5678',
      },
      itens: [{ item: { codigo: 'CAM-AZ-M', descricao: 'Camiseta Azul M', unidade: 'UN', quantidade: '1', valor_unitario: '110.00' } }],
      valor_frete: '19.90',
      parcelas: [{ parcela: { dias: '0', data: '20/08/2025', valor: '129.90' } }],
      intermediador: { nome: 'Mercado Pago' },
      marcadores: [{ marcador: { descricao: 'Mercado Livre' } }],
      situacao: 'aprovado',
      obs_internas: 'Ideris 4815162',
    });
  });

  it('maps the sandbox order shape (no address, no payments, null e-mail) once its CPF is valid', () => {
    const sandboxOrder = mapIderisOrderDetail({
      id: 4815007,
      code: '20004815007',
      marketplaceName: 'Shopee',
      authenticationId: 2,
      authenticationName: 'LOJA_SANDBOX',
      statusId: 1007,
      statusDescription: 'Aberto',
      approved: '2025-08-19T22:30:00-03:00',
      customerFirstName: 'Cliente',
      customerLastName: 'Sandbox 7',
      customerEmail: null,
      documentType: 'CPF',
      documentValue: '10000000019',
      valueWithShipping: 69.8,
      feeShipment: 19.9,
      items: [{ sku: 'CAM-AZ-M', title: 'Produto 1', quantity: 1, price: 49.9 }],
    });
    const result = mapIderisOrderToTiny(sandboxOrder!, context({ tinyIntegrationId: null }));
    const pedido = tinyDocument(result);
    expect(pedido['cliente']).toEqual({ nome: 'Cliente Sandbox 7', tipo_pessoa: 'F', cpf_cnpj: '10000000019', atualizar_cliente: 'S' });
    expect(pedido).not.toHaveProperty('endereco_entrega');
    expect(pedido).not.toHaveProperty('id_ecommerce');
    expect(pedido).toMatchObject({ data_pedido: '19/08/2025', valor_frete: '19.90', parcelas: [{ parcela: { valor: '69.80' } }], marcadores: [{ marcador: { descricao: 'Shopee' } }] });
  });

  describe('customer', () => {
    it.each([
      ['first and last name, spaces collapsed', { customerFirstName: '  Maria ', customerLastName: ' da   Silva ' }, 'Maria da Silva'],
      ['only a first name', { customerLastName: null }, 'Maria'],
      ['nickname when the name is hidden', { customerFirstName: '', customerLastName: null }, 'MARIASOUZA'],
    ])('name from %s', (_case, overrides, name) => {
      expect(draftOf(mapIderisOrderToTiny(order(overrides), context())).customer.name).toBe(name);
    });

    it('is invalid without any name', () => {
      expect(mapIderisOrderToTiny(order({ customerFirstName: ' ', customerLastName: null, customerNickname: null }), context())).toEqual({
        ok: false,
        reason: 'invalid',
        problems: ['customer has no name (first/last name and nickname are empty)'],
      });
    });

    it.each([
      ['formatted CPF', 'CPF', '123.456.789-09', 'F', '12345678909'],
      ['CNPJ buyer', 'CNPJ', '11.222.333/0001-81', 'J', '11222333000181'],
      ['CNPJ without a declared type (14 digits)', null, '11222333000181', 'J', '11222333000181'],
      ['CPF without a declared type (11 digits)', null, '52998224725', 'F', '52998224725'],
      ['CPF that lost its leading zero in a numeric field', 'CPF', 1234567890, 'F', '01234567890'],
      ['CNPJ declared as CPF', 'CPF', '11222333000181', 'J', '11222333000181'],
      ['alphanumeric CNPJ (from July 2026)', 'CNPJ', '12.ABC.345/01DE-35', 'J', '12ABC34501DE35'],
    ])('%s', (_case, documentType, documentValue, personType, document) => {
      const result = mapIderisOrderToTiny(order({ documentType, documentValue }), context());
      expect(result).toMatchObject({ ok: true, customerDocument: document });
      expect(draftOf(result).customer).toMatchObject({ personType, document });
    });

    it('imports without a document when the marketplace sends none', () => {
      const result = mapIderisOrderToTiny(order({ documentType: null, documentValue: null }), context());
      expect(result).toMatchObject({ ok: true, customerDocument: null });
      expect(draftOf(result).customer.document).toBeUndefined();
      expect(draftOf(result).customer.personType).toBeUndefined();
    });

    it.each([
      ['sandbox-style CPF', 'CPF', '10000000000', 'customer CPF 10000000000 has invalid check digits'],
      ['repeated digits', 'CPF', '111.111.111-11', 'customer CPF 11111111111 has invalid check digits'],
      ['CNPJ with a wrong check digit', 'CNPJ', '11222333000182', 'customer CNPJ 11222333000182 has invalid check digits'],
    ])('parks an order whose document fails its check digits: %s', (_case, documentType, documentValue, problem) => {
      expect(mapIderisOrderToTiny(order({ documentType, documentValue }), context())).toEqual({ ok: false, reason: 'invalid', problems: [problem] });
    });

    it('gives a repeat buyer the same document whatever its formatting, so both orders bind to one contact', () => {
      const first = mapIderisOrderToTiny(order({ id: 1, code: 'A-1', documentValue: '123.456.789-09' }), context());
      const second = mapIderisOrderToTiny(order({ id: 2, code: 'A-2', documentValue: '12345678909', addressStreet: 'Rua Nova' }), context());
      expect(first).toMatchObject({ ok: true, customerDocument: '12345678909' });
      expect(second).toMatchObject({ ok: true, customerDocument: '12345678909' });
      expect(draftOf(second).customer).toMatchObject({ updateExisting: true, address: { street: 'Rua Nova' } });
    });

    it.each([
      ['a visible e-mail', 'maria@example.com', 'maria@example.com'],
      ['a marketplace relay address', 'msouza.1a2b3c+2-ogey@mail.mercadolivre.com', 'msouza.1a2b3c+2-ogey@mail.mercadolivre.com'],
      ['a hidden e-mail (null)', null, undefined],
      ['a hidden e-mail (empty)', '', undefined],
      ['a masked, malformed e-mail', 'ma***@', undefined],
    ])('e-mail: %s', (_case, customerEmail, email) => {
      const draft = draftOf(mapIderisOrderToTiny(order({ customerEmail }), context()));
      expect(draft.customer.email).toBe(email);
      expect(JSON.parse(toTinyOrderDocument(draft)).pedido.cliente.email).toBe(email);
    });

    it.each([
      ['area code + 9-digit mobile', '11', '912345678', '(11) 91234-5678'],
      ['area code + 8-digit landline', '54', '3055-3808', '(54) 3055-3808'],
      ['number already carrying the area code', null, '11912345678', '(11) 91234-5678'],
      ['country code included', '', '+55 11 91234-5678', '(11) 91234-5678'],
      ['area code with a trunk zero', '011', '30553808', '(11) 3055-3808'],
      ['unrecognised length as digits', null, '12345', '12345'],
    ])('phone: %s', (_case, phoneAreaCode, phoneNumber, phone) => {
      expect(draftOf(mapIderisOrderToTiny(order({ phoneAreaCode, phoneNumber }), context())).customer.phone).toBe(phone);
    });

    it('falls back to the receiver phone when the buyer has none', () => {
      const draft = draftOf(mapIderisOrderToTiny(order({ phoneAreaCode: null, phoneNumber: null, addressReceiverPhone: '2130553808' }), context()));
      expect(draft.customer.phone).toBe('(21) 3055-3808');
    });
  });

  describe('address', () => {
    it.each([
      ['UF from the state name when the abbreviation is missing', { stateAbbreviation: null, stateName: 'Rio Grande do Sul' }, { state: 'RS' }],
      ['UF from an unaccented name', { stateAbbreviation: null, stateName: 'sao paulo' }, { state: 'SP' }],
      ['S/N when the number is missing', { addressNumber: null }, { number: 'S/N' }],
      ['the full line when the street is missing', { addressStreet: null }, { street: 'Rua A, 100 - Apto 2' }],
      ['the CEP leading zero restored', { addressZipCode: 1001000 }, { zipCode: '01001000' }],
      ['no complement', { addressComment: '' }, { complement: undefined }],
    ])('%s', (_case, overrides, expected) => {
      expect(draftOf(mapIderisOrderToTiny(order(overrides), context())).customer.address).toMatchObject(expected);
    });

    it('delivers to the receiver named on the shipping address', () => {
      const draft = draftOf(mapIderisOrderToTiny(order({ addressReceiverName: 'Portaria  Edifício Sol', addressReceiverPhone: '1130553808' }), context()));
      expect(draft.deliveryAddress).toMatchObject({ recipientName: 'Portaria Edifício Sol', phone: '(11) 3055-3808', street: 'Rua A', state: 'SP' });
      expect(draft.customer.phone).toBe('(11) 91234-5678');
    });

    it('sends neither address when city or UF is unknown', () => {
      const draft = draftOf(mapIderisOrderToTiny(order({ stateAbbreviation: null, stateName: 'Lisboa' }), context()));
      expect(draft.customer.address).toBeUndefined();
      expect(draft.deliveryAddress).toBeUndefined();
    });
  });

  describe('items and the SKU de-para', () => {
    it('maps a null SKU by its listing code', () => {
      const result = mapIderisOrderToTiny(order({ items: [{ sku: null, codigoProdutoItem: 'MLB123', title: 'Camiseta Preta P', quantity: 2, price: 55 }] }), context());
      expect(result).toMatchObject({ ok: true, skus: ['CAM-PR-P'] });
      expect(draftOf(result).items).toEqual([{ sku: 'CAM-PR-P', description: 'Camiseta Preta P', unit: 'UN', quantity: 2, unitPriceCents: 5500 }]);
    });

    // v3 items carry the marketplace product code as `codeProduct` (docs/contracts.md#ideris-order-detail): it is the
    // de-para key when the SKU is absent, and a present SKU still wins.
    it.each([
      ['a null SKU mapped by its codeProduct', { sku: null, codeProduct: 'MLB123' }, { ok: true, skus: ['CAM-PR-P'] }],
      ['a present SKU wins over codeProduct', { sku: 'CAM-AZ-M', codeProduct: 'MLB123' }, { ok: true, skus: ['CAM-AZ-M'] }],
      ['an unmapped codeProduct needs mapping under its own name', { sku: null, codeProduct: 'MLB777' }, { ok: false, reason: 'needs-mapping', unknownSkus: ['MLB777'] }],
    ])('v3 items: %s', (_case, item, expected) => {
      expect(mapIderisOrderToTiny(order({ items: [{ title: 'Camiseta', quantity: 1, price: 10, ...item }] }), context())).toMatchObject(expected);
    });

    it('passes the listing code to the de-para alongside a present SKU', () => {
      const resolveProductCode = jest.fn().mockReturnValue('X');
      mapIderisOrderToTiny(order({ items: [{ sku: 'S-1', codeProduct: 'MLB9', title: 'T', quantity: 1, price: 1 }] }), context({ resolveProductCode }));
      expect(resolveProductCode).toHaveBeenCalledWith({ sku: 'S-1', listingCode: 'MLB9' });
    });

    it('uses the Tiny code the de-para returns for a legacy SKU', () => {
      expect(draftOf(mapIderisOrderToTiny(order({ items: [{ sku: 'sku-legacy', title: 'Boné', quantity: 1, price: 30 }] }), context())).items[0].sku).toBe('TINY-042');
    });

    it('parks an order with unknown SKUs, naming each once (SKU, or listing code when the SKU is null)', () => {
      const items = [
        { sku: 'CAM-AZ-M', title: 'Camiseta', quantity: 1, price: 10 },
        { sku: 'NOPE-1', title: 'X', quantity: 1, price: 10 },
        { sku: null, codigoProdutoItem: 'MLB999', title: 'Y', quantity: 1, price: 10 },
        { sku: 'NOPE-1', title: 'X again', quantity: 2, price: 10 },
      ];
      expect(mapIderisOrderToTiny(order({ items }), context())).toEqual({ ok: false, reason: 'needs-mapping', unknownSkus: ['NOPE-1', 'MLB999'] });
    });

    it('imports unknown SKUs as free-text lines when the connection allows it', () => {
      const items = [
        { sku: 'CAM-AZ-M', title: 'Camiseta', quantity: 1, price: 10 },
        { sku: 'NOPE-1', title: 'Brinde', quantity: 1, price: 0 },
        { sku: null, title: 'Sem código', quantity: 1, price: 5 },
      ];
      const result = mapIderisOrderToTiny(order({ items }), context({ allowFreeTextItems: true }));
      expect(result).toMatchObject({ ok: true, skus: ['CAM-AZ-M'] });
      expect(tinyDocument(result)['itens']).toEqual([
        { item: { codigo: 'CAM-AZ-M', descricao: 'Camiseta', unidade: 'UN', quantidade: '1', valor_unitario: '10.00' } },
        { item: { descricao: 'Brinde', unidade: 'UN', quantidade: '1', valor_unitario: '0.00' } },
        { item: { descricao: 'Sem código', unidade: 'UN', quantidade: '1', valor_unitario: '5.00' } },
      ]);
    });

    it('calls an item with neither SKU nor listing code invalid when free text is not allowed', () => {
      expect(mapIderisOrderToTiny(order({ items: [{ sku: null, title: 'Mistério', quantity: 1, price: 5 }] }), context())).toEqual({
        ok: false,
        reason: 'invalid',
        problems: ['item 1: has neither SKU nor listing code to map it by'],
      });
    });

    it.each([
      ['variation appended to the title', { sku: 'CAM-AZ-G', title: 'Camiseta', variacaoProdutoItem: 'Cor: Azul, Tamanho: G' }, 'Camiseta - Cor: Azul, Tamanho: G'],
      ['variation already in the title', { sku: 'CAM-AZ-G', title: 'Camiseta Cor: Azul G', productVariation: [{ name: 'cor', value: 'azul' }] }, 'Camiseta Cor: Azul G'],
      ['v3 productVariation pairs appended', { sku: 'CAM-AZ-G', title: 'Camiseta', productVariation: [{ name: 'Cor', value: 'Azul' }, { name: 'Tamanho', value: 'G' }] }, 'Camiseta - Cor: Azul, Tamanho: G'],
      ['an empty v3 productVariation', { sku: 'CAM-AZ-G', title: 'Camiseta', productVariation: [] }, 'Camiseta'],
      ['kit SKU as one line, Tiny expands the kit', { sku: 'KIT-3CAM', title: 'Kit 3 Camisetas' }, 'Kit 3 Camisetas'],
      ['the SKU when the title is missing', { sku: 'CAM-AZ-M' }, 'CAM-AZ-M'],
    ])('description: %s', (_case, item, description) => {
      const result = mapIderisOrderToTiny(order({ items: [{ quantity: 1, price: 10, ...item }] }), context());
      expect(draftOf(result).items[0].description).toBe(description);
      expect(result).toMatchObject({ skus: [item.sku] });
    });

    it('lists each Tiny code once when two lines share a SKU (two variations resolving to one product)', () => {
      const items = [
        { sku: 'CAM-AZ-M', title: 'A', quantity: 1, price: 10 },
        { sku: 'KIT-3CAM', title: 'B', quantity: 1, price: 10 },
        { sku: 'CAM-AZ-M', title: 'C', quantity: 3, price: 10 },
      ];
      const result = mapIderisOrderToTiny(order({ items }), context());
      expect(result).toMatchObject({ ok: true, skus: ['CAM-AZ-M', 'KIT-3CAM'] });
      expect(draftOf(result).items).toHaveLength(3);
    });

    it.each([
      ['zero quantity', 0, 'item 1 (CAM-AZ-M): quantity must be a positive number'],
      ['negative quantity', -1, 'item 1 (CAM-AZ-M): quantity must be a positive number'],
      ['corrupt panel quantity', '300O', 'item 1 (CAM-AZ-M): quantity must be a positive number'],
    ])('is invalid with a %s', (_case, quantity, problem) => {
      expect(mapIderisOrderToTiny(order({ items: [{ sku: 'CAM-AZ-M', title: 'T', quantity, price: 10 }] }), context())).toEqual({ ok: false, reason: 'invalid', problems: [problem] });
    });

    it('is invalid without items', () => {
      expect(mapIderisOrderToTiny(order({ items: [] }), context())).toEqual({ ok: false, reason: 'invalid', problems: ['order has no items'] });
    });

    it('reports invalid before needs-mapping, since a mapping would not make the order importable', () => {
      const result = mapIderisOrderToTiny(order({ documentValue: '10000000000', items: [{ sku: 'NOPE', title: 'T', quantity: 1, price: 1 }] }), context());
      expect(result).toMatchObject({ ok: false, reason: 'invalid' });
    });

    it('derives a missing unit price from the items total when it divides into whole cents', () => {
      const items = [{ sku: 'CAM-AZ-M', title: 'Camiseta', quantity: 2 }];
      const result = mapIderisOrderToTiny(order({ items, valueWithShipping: 129.9, feeShipment: 19.9 }), context());
      expect(draftOf(result).items[0].unitPriceCents).toBe(5500);
      expect(installmentsOf(result)).toEqual([12990]);
    });

    it('is invalid when a missing unit price cannot be derived', () => {
      const items = [{ sku: 'CAM-AZ-M', title: 'Camiseta', quantity: 3 }];
      expect(mapIderisOrderToTiny(order({ items, valueWithShipping: 30.01, feeShipment: 0 }), context())).toEqual({
        ok: false,
        reason: 'invalid',
        problems: ['item 1 (CAM-AZ-M): has no unit price'],
      });
    });
  });

  describe('money', () => {
    it('reads Brazilian-format strings exactly', () => {
      const result = mapIderisOrderToTiny(
        order({ items: [{ sku: 'CAM-AZ-M', title: 'Camiseta', quantity: '3', price: '1.234,56' }], feeShipment: '19,90', discount: '0,46' }),
        context(),
      );
      const pedido = tinyDocument(result);
      expect(pedido['itens'][0].item).toMatchObject({ quantidade: '3', valor_unitario: '1234.56' });
      expect(pedido).toMatchObject({ valor_frete: '19.90', valor_desconto: '0.46' });
      expect(installmentsOf(result)).toEqual([370368 + 1990 - 46]);
    });

    it('sums float-looking prices without float drift', () => {
      const items = [
        { sku: 'CAM-AZ-M', title: 'A', quantity: 3, price: 0.1 },
        { sku: 'CAM-AZ-G', title: 'B', quantity: 1, price: 0.2 },
      ];
      expect(installmentsOf(mapIderisOrderToTiny(order({ items, feeShipment: 0 }), context()))).toEqual([50]);
    });

    it.each([
      ['freight only', { feeShipment: 19.9, discount: 0 }, { valor_frete: '19.90' }, 12990],
      ['seller discount reduces the order', { feeShipment: 0, discount: 10 }, { valor_desconto: '10.00' }, 10000],
      ['freight and discount', { feeShipment: 15, discount: 5.5 }, { valor_frete: '15.00', valor_desconto: '5.50' }, 11950],
      ['marketplace-funded discount keeps the full price', { feeShipment: 0, discount: 0, discountMarketplace: 20 }, {}, 11000],
      ['legacy buyer freight', { feeShipment: null, freteComprador: '12,34' }, { valor_frete: '12.34' }, 12234],
    ])('%s', (_case, overrides, fields, totalCents) => {
      const result = mapIderisOrderToTiny(order(overrides), context());
      const pedido = tinyDocument(result);
      expect(pedido).toMatchObject(fields);
      if (!('valor_frete' in fields)) expect(pedido).not.toHaveProperty('valor_frete');
      if (!('valor_desconto' in fields)) expect(pedido).not.toHaveProperty('valor_desconto');
      expect(sum(installmentsOf(result))).toBe(totalCents);
    });

    it('is invalid when the discount exceeds items plus freight', () => {
      expect(mapIderisOrderToTiny(order({ feeShipment: 0, discount: 200 }), context())).toEqual({
        ok: false,
        reason: 'invalid',
        problems: ['discount exceeds items plus freight'],
      });
    });
  });

  describe('payments and installments', () => {
    const hundredReais = { items: [{ sku: 'CAM-AZ-M', title: 'Camiseta', quantity: 1, price: 100 }], feeShipment: 0 };

    it.each([
      ['100.00 in 3 on a credit card', [{ method: 'credit_card', status: 'approved', installments: 3, amount: 100 }], [3334, 3333, 3333], 'credito'],
      ['one pix payment', [{ formaPagamento: 'pix', statusPagamento: 'Approved', numeroParcelasPagamento: 1 }], [10000], 'pix'],
      [
        'two payments that add up: each its own run',
        [
          { method: 'credit_card', installments: 2, amount: 60.01, status: 'approved' },
          { method: 'ticket', installments: 1, amount: 39.99, status: 'approved' },
        ],
        [3001, 3000, 3999],
        'multiplas',
      ],
      [
        'rejected attempt ignored',
        [
          { method: 'credit_card', status: 'rejected', installments: 12, amount: 100 },
          { method: 'debit_card', status: 'approved', installments: 1, amount: 100 },
        ],
        [10000],
        'debito',
      ],
      ['amount missing: the total over the installments', [{ method: 'credit_card', status: 'approved', installments: 6 }], [1670, 1666, 1666, 1666, 1666, 1666], 'credito'],
      ['paid less than the total (marketplace coupon): the total still', [{ method: 'account_money', installments: 1, amount: 80 }], [10000], undefined],
      ['no payment information', [], [10000], undefined],
    ])('%s', (_case, payments, amounts, paymentMethod) => {
      const result = mapIderisOrderToTiny(order({ ...hundredReais, payments }), context());
      expect(installmentsOf(result)).toEqual(amounts);
      expect(sum(amounts)).toBe(10000);
      expect(draftOf(result).paymentMethod).toBe(paymentMethod);
    });

    it('dates installments 30 days apart from the order date, in São Paulo', () => {
      const payments = [{ method: 'credit_card', installments: 3, amount: 100, status: 'approved' }];
      const pedido = tinyDocument(mapIderisOrderToTiny(order({ ...hundredReais, payments, approved: '2025-08-20T01:30:00Z' }), context()));
      expect(pedido['parcelas']).toEqual([
        { parcela: { dias: '0', data: '19/08/2025', valor: '33.34', obs: '1/3', forma_pagamento: 'credito' } },
        { parcela: { dias: '30', data: '18/09/2025', valor: '33.33', obs: '2/3', forma_pagamento: 'credito' } },
        { parcela: { dias: '60', data: '18/10/2025', valor: '33.33', obs: '3/3', forma_pagamento: 'credito' } },
      ]);
      expect(pedido['forma_pagamento']).toBe('credito');
    });

    it.each([
      [10000, 3, [3334, 3333, 3333]],
      [10001, 3, [3335, 3333, 3333]],
      [1, 3, [1]],
      [2, 3, [1, 1]],
      [999, 1, [999]],
      [500, 0, [500]],
      [12990, 12, [1088, 1082, 1082, 1082, 1082, 1082, 1082, 1082, 1082, 1082, 1082, 1082]],
    ])('splitCents(%p, %p) = %p', (amount, count, parts) => {
      expect(splitCents(amount, count)).toEqual(parts);
      expect(sum(parts)).toBe(amount);
    });

    it('sends the intermediary with its CNPJ when Ideris gives one', () => {
      const draft = draftOf(mapIderisOrderToTiny(order({ intermediaryName: null, intermediadorNome: 'Mercado Pago', intermediadorCnpj: '10.573.521/0001-91' }), context()));
      expect(draft.intermediary).toEqual({ name: 'Mercado Pago', cnpj: '10573521000191' });
    });

    it('sends no intermediary when Ideris names none', () => {
      expect(draftOf(mapIderisOrderToTiny(order({ intermediaryName: null }), context())).intermediary).toBeUndefined();
    });
  });

  describe('order date', () => {
    it.each([
      ['approval late at night UTC is the previous day in São Paulo', { approved: '2025-08-20T01:30:00Z' }, '19/08/2025'],
      ['approval with the -03:00 offset', { approved: '2025-08-19T23:59:59-03:00' }, '19/08/2025'],
      ['approval without a zone is Brasília time', { approved: '2025-08-19T23:59:59' }, '19/08/2025'],
      ['just after midnight in São Paulo', { approved: '2025-08-20T03:00:00Z' }, '20/08/2025'],
      ['earliest payment approval when the order has none', { approved: null, payments: [{ approved: '2025-08-21T10:00:00-03:00' }, { approved: '2025-08-20T10:00:00-03:00' }] }, '20/08/2025'],
      ['legacy order date as the last resort', { approved: null, payments: [], data: '2021-08-15T00:30:00-03:00' }, '15/08/2021'],
    ])('%s', (_case, overrides, date) => {
      expect(tinyDocument(mapIderisOrderToTiny(order(overrides), context()))['data_pedido']).toBe(date);
    });

    it('leaves the date to Tiny when Ideris has none', () => {
      expect(tinyDocument(mapIderisOrderToTiny(order({ approved: null, payments: [] }), context()))).not.toHaveProperty('data_pedido');
    });
  });

  describe('channel and situation', () => {
    it.each([
      ['a mapped status', 1009, 'preparando_envio'],
      ['an unmapped status falls back to aberto', 1118, 'aberto'],
      ['no status falls back to aberto', null, 'aberto'],
    ])('%s', (_case, statusId, situation) => {
      expect(draftOf(mapIderisOrderToTiny(order({ statusId }), context())).situation).toBe(situation);
    });

    it('carries the marketplace code, channel, integration id, marketplace marker and the Ideris ids', () => {
      const draft = draftOf(mapIderisOrderToTiny(order({ codigoCarrinhoCompras: 'PACK-9', marketplaceName: 'Amazon' }), context({ ecommerceName: 'Hub', tinyIntegrationId: 7 })));
      expect(draft).toMatchObject({
        ecommerceOrderNumber: '2000008123456789',
        ecommerceName: 'Hub',
        ecommerceId: 7,
        markers: ['Amazon'],
        internalNotes: 'Ideris 4815162, carrinho PACK-9',
      });
    });

    it('is invalid without the marketplace order code, which exactly-once binding depends on', () => {
      expect(mapIderisOrderToTiny(order({ code: null }), context())).toEqual({ ok: false, reason: 'invalid', problems: ['order has no marketplace order code'] });
    });
  });
});
