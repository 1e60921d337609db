import { mapIderisOrderDetail, parseIderisDate, parseIderisMoneyCents } from './ideris-order-detail.models';

const v3Order = {
  id: 4815162,
  code: '2000008123456789',
  marketplaceName: 'Mercado Livre',
  authenticationId: 4,
  authenticationName: 'LOJA_EXEMPLO',
  intermediaryName: 'Mercado Pago',
  statusId: 1007,
  statusDescription: 'Aberto',
  approved: '2025-08-20T14:03:11-03:00',
  sent: null,
  customerFirstName: 'Maria',
  customerLastName: 'Souza',
  customerNickname: 'MARIASOUZA',
  customerEmail: 'maria@example.com',
  documentType: 'CPF',
  documentValue: '123.456.789-09',
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
  addressZipCode: '01001-000',
  addressReceiverName: 'Maria Souza',
  addressReceiverPhone: '11912345678',
  deliveryType: 'me2',
  deliveryTrackingCode: null,
  deliveryCode: '43123456789',
  valueWithShipping: 129.9,
  paidAmount: 129.9,
  feeShipment: 19.9,
  feeOrder: 15.6,
  netAmount: 94.4,
  discount: 0,
  discountMarketplace: 0,
  leftOver: 0,
  items: [{ sku: 'CAM-AZ-M', title: 'Camiseta Azul M', quantity: 1, price: 110, image: 'https://img/1.jpg' }],
  payments: [{ approved: '2025-08-20T14:03:11-03:00' }],
};

const legacyOrder = {
  id: 991,
  codigo: 'MLB-555',
  marketplace: 'Mercado Livre',
  idAutenticacaoIderis: 7,
  nomeContaMarketplace: 'LOJA',
  status: 'Aberto',
  data: '2021-08-15T10:00:00-03:00',
  codigoCarrinhoCompras: 'PACK-1',
  intermediadorNome: 'Mercado Pago',
  intermediadorCnpj: '10.573.521/0001-91',
  compradorPrimeiroNome: 'João',
  compradorSobrenome: 'Silva',
  compradorEmail: '',
  compradorTipoDocumento: 'cnpj',
  compradorDocumento: '11.222.333/0001-81',
  enderecoEntregaRua: 'Av. B',
  enderecoEntregaEstado: 'Rio de Janeiro',
  enderecoEntregaCep: '20000-000',
  enderecoEntrega_NomeResponsavelRecebimento: 'Portaria',
  freteComprador: '15,00',
  tarifaEnvio: 22.5,
  valorDesconto: '1.234,56',
  Item: [
    {
      skuProdutoItem: null,
      tituloProdutoItem: 'Kit 3 camisetas',
      codigoProdutoItem: 'MLB123',
      codigoProduto: 'MLB-P-9',
      variacaoProdutoItem: 'Cor: Azul',
      quantidadeItem: '2',
      precoUnitarioItem: '49,90',
    },
  ],
  Pagamento: [{ codigoPagamento: 77, formaPagamento: 'credit_card', statusPagamento: 'approved', numeroParcelasPagamento: '3', dataAprovacaoPagamento: '2021-08-15T10:05:00-03:00' }],
};

describe('mapIderisOrderDetail', () => {
  it('reads the v3 detail inside its {obj} envelope, money in integer cents', () => {
    const order = mapIderisOrderDetail({ obj: v3Order });
    expect(order).toMatchObject({
      id: 4815162,
      code: '2000008123456789',
      marketplaceName: 'Mercado Livre',
      authenticationId: 4,
      intermediary: { name: 'Mercado Pago' },
      statusId: 1007,
      approved: new Date('2025-08-20T17:03:11Z'),
      buyer: { firstName: 'Maria', lastName: 'Souza', nickname: 'MARIASOUZA', email: 'maria@example.com', documentType: 'CPF', documentValue: '12345678909', phoneAreaCode: '11', phoneNumber: '912345678' },
      shippingAddress: { street: 'Rua A', number: '100', complement: 'Apto 2', district: 'Centro', city: 'São Paulo', stateAbbreviation: 'SP', zipCode: '01001000', receiverName: 'Maria Souza' },
      delivery: { type: 'me2', code: '43123456789' },
      amounts: { valueWithShippingCents: 12990, paidAmountCents: 12990, buyerShippingCents: 1990, orderFeeCents: 1560, netAmountCents: 9440, discountCents: 0 },
    });
    expect(order?.sent).toBeUndefined();
    expect(order?.items).toEqual([{ sku: 'CAM-AZ-M', listingCode: undefined, productCode: undefined, variation: undefined, attributes: [], title: 'Camiseta Azul M', quantity: 1, unitPriceCents: 11000, image: 'https://img/1.jpg' }]);
    expect(order?.payments).toEqual([expect.objectContaining({ approved: new Date('2025-08-20T17:03:11Z') })]);
  });

  it('reads the legacy detail inside {result:[…]} with capitalised lists and Brazilian-format strings', () => {
    const order = mapIderisOrderDetail({ result: [legacyOrder] });
    expect(order).toMatchObject({
      id: 991,
      code: 'MLB-555',
      cartCode: 'PACK-1',
      authenticationId: 7,
      statusDescription: 'Aberto',
      created: new Date('2021-08-15T13:00:00Z'),
      intermediary: { name: 'Mercado Pago', cnpj: '10573521000191' },
      buyer: { firstName: 'João', email: undefined, documentType: 'CNPJ', documentValue: '11222333000181' },
      shippingAddress: { street: 'Av. B', stateName: 'Rio de Janeiro', zipCode: '20000000', receiverName: 'Portaria' },
      amounts: { buyerShippingCents: 1500, shipmentFeeCents: 2250, discountCents: 123456 },
    });
    expect(order?.items).toEqual([
      { sku: null, listingCode: 'MLB123', productCode: 'MLB-P-9', variation: 'Cor: Azul', attributes: [], title: 'Kit 3 camisetas', quantity: 2, unitPriceCents: 4990, image: undefined },
    ]);
    expect(order?.payments).toEqual([
      { code: '77', method: 'credit_card', status: 'approved', installments: 3, approved: new Date('2021-08-15T13:05:00Z'), amountCents: undefined },
    ]);
  });

  it('reads the sandbox shape: null e-mail, no address, no payments, a corrupt quantity', () => {
    const order = mapIderisOrderDetail({
      id: 4815001,
      code: '20004815001',
      marketplaceName: 'Mercado Livre',
      authenticationId: 1,
      authenticationName: 'LOJA_SANDBOX',
      statusId: 1007,
      statusDescription: 'Aberto',
      approved: '2025-08-19T22:30:00-03:00',
      customerFirstName: 'Cliente',
      customerLastName: 'Sandbox 7',
      customerEmail: null,
      documentType: 'CPF',
      documentValue: '10000000006',
      valueWithShipping: 69.8,
      feeShipment: 19.9,
      items: [{ sku: 'SKU-1', title: 'Produto 1', quantity: '300O', price: 49.9 }],
    });
    expect(order?.buyer.email).toBeUndefined();
    expect(order?.shippingAddress).toEqual(expect.objectContaining({ street: undefined, zipCode: undefined }));
    expect(order?.payments).toEqual([]);
    expect(order?.items[0]).toMatchObject({ sku: 'SKU-1', quantity: undefined, unitPriceCents: 4990 });
    expect(order?.amounts).toMatchObject({ valueWithShippingCents: 6980, buyerShippingCents: 1990 });
  });

  // The v3 detail as a production client reads it (docs/contracts.md#ideris-order-detail): `packId` is the cart, items
  // carry `codeProduct` and `productVariation: [{name, value}]`.
  it.each([
    ['packId is the cart', { packId: '2000004444' }, {}, { cartCode: '2000004444' }],
    ['codeProduct is the de-para key of an item without SKU', {}, { sku: null, codeProduct: 'MLB3311' }, { item: { sku: null, listingCode: 'MLB3311' } }],
    ['codeProduct next to a SKU', {}, { sku: 'CAM-AZ-M', codeProduct: 'MLB3311' }, { item: { sku: 'CAM-AZ-M', listingCode: 'MLB3311' } }],
    [
      'productVariation pairs become attributes and the variation text',
      {},
      { sku: 'CAM', productVariation: [{ name: 'Cor', value: 'Azul' }, { name: 'Tamanho', value: 'M' }] },
      { item: { variation: 'Cor: Azul, Tamanho: M', attributes: [{ name: 'Cor', value: 'Azul' }, { name: 'Tamanho', value: 'M' }] } },
    ],
    ['an empty productVariation is no variation', {}, { sku: 'CAM', productVariation: [] }, { item: { variation: undefined, attributes: [] } }],
    ['a variation entry without value is dropped, one without name keeps its value', {}, { sku: 'CAM', productVariation: [{ name: 'Cor', value: '' }, { value: 'Estampa 3' }] }, { item: { variation: 'Estampa 3', attributes: [{ name: '', value: 'Estampa 3' }] } }],
  ])('%s', (_case, orderFields, itemFields, expected) => {
    const order = mapIderisOrderDetail({ obj: { id: 77, code: '2000077', created: '2026-01-10T09:00:00-03:00', originName: 'Mercado Livre', ...orderFields, items: [{ title: 'Camiseta', quantity: 1, image: 'https://img/x.jpg', ...itemFields }] } });
    const { item, ...rest } = expected as { item?: object };
    expect(order).toMatchObject(rest);
    if (item) expect(order?.items[0]).toMatchObject(item);
  });

  it.each([[undefined], [null], ['x'], [[]], [{}], [{ id: 'abc' }], [{ obj: { code: 'x' } }]])('rejects %p', (raw) => {
    expect(mapIderisOrderDetail(raw)).toBeUndefined();
  });
});

describe('parseIderisMoneyCents', () => {
  it.each([
    [49.9, 4990],
    [0.1 + 0.2, 30],
    [129.9, 12990],
    [100, 10000],
    [-3.5, -350],
    ['1.234,56', 123456],
    ['R$ 1.234,56', 123456],
    ['49,90', 4990],
    ['1234.56', 123456],
    ['1.234.567', 123456700],
    ['1.234', 123],
    ['36.3200000000', 3632],
    ['0,005', 1],
    ['10', 1000],
    ['', undefined],
    ['abc', undefined],
    [',', undefined],
    [Number.NaN, undefined],
    [null, undefined],
  ])('%p → %p', (value, cents) => {
    expect(parseIderisMoneyCents(value)).toBe(cents);
  });
});

describe('parseIderisDate', () => {
  it.each([
    ['2025-08-20T01:30:00Z', '2025-08-20T01:30:00.000Z'],
    ['2025-08-19T22:30:00-03:00', '2025-08-20T01:30:00.000Z'],
    ['2025-08-19T22:30:00', '2025-08-20T01:30:00.000Z'],
    ['2025-08-19T22:30:00.123', '2025-08-20T01:30:00.123Z'],
  ])('%p is %p', (value, iso) => {
    expect(parseIderisDate(value)?.toISOString()).toBe(iso);
  });

  it.each([[''], ['not a date'], [12], [null]])('rejects %p', (value) => {
    expect(parseIderisDate(value)).toBeUndefined();
  });
});
