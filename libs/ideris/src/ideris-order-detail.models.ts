import { isRecord } from './ideris-order.models';

/**
 * Our typed reading of one order (`GET /order/{id}` → `obj`). v3 field names come from public v3
 * clients; each field also accepts its legacy (`/Pedido/{id}`) name, since v3 mirrors the legacy model
 * almost 1:1 and which one a tenant answers with is not ours to choose. Money is in integer cents.
 */
export interface IderisOrderDetail {
  id: number;
  /** The marketplace's own order code (e.g. Mercado Livre's order id). */
  code?: string;
  /** Marketplace cart/pack id (v3 `packId`): several orders bought together share it. */
  cartCode?: string;
  marketplaceName?: string;
  authenticationId?: number;
  authenticationName?: string;
  intermediary?: IderisOrderIntermediary;
  statusId?: number;
  statusDescription?: string;
  /** Payment approval: the moment the sale counts. */
  approved?: Date;
  created?: Date;
  sent?: Date;
  buyer: IderisOrderBuyer;
  shippingAddress: IderisOrderShippingAddress;
  delivery: IderisOrderDelivery;
  amounts: IderisOrderAmounts;
  items: IderisOrderDetailItem[];
  payments: IderisOrderPayment[];
  raw: Record<string, unknown>;
}

export interface IderisOrderIntermediary {
  name?: string;
  /** Digits only. */
  cnpj?: string;
}

export type IderisDocumentType = 'CPF' | 'CNPJ';

export interface IderisOrderBuyer {
  firstName?: string;
  lastName?: string;
  nickname?: string;
  /** Marketplaces often hide it: expect it to be missing. */
  email?: string;
  documentType?: IderisDocumentType;
  /** Without punctuation; digits, plus uppercase letters for the alphanumeric CNPJs issued from July 2026. */
  documentValue?: string;
  phoneAreaCode?: string;
  phoneNumber?: string;
}

export interface IderisOrderShippingAddress {
  line?: string;
  street?: string;
  number?: string;
  complement?: string;
  district?: string;
  city?: string;
  /** A full name or an abbreviation, depending on the marketplace. */
  stateName?: string;
  stateAbbreviation?: string;
  country?: string;
  /** Digits only. */
  zipCode?: string;
  receiverName?: string;
  receiverPhone?: string;
}

export interface IderisOrderDelivery {
  type?: string;
  trackingCode?: string;
  /** The marketplace's shipment id. */
  code?: string;
}

export interface IderisOrderAmounts {
  itemsTotalCents?: number;
  valueWithShippingCents?: number;
  paidAmountCents?: number;
  /** What the buyer paid for shipping. */
  buyerShippingCents?: number;
  shipmentFeeCents?: number;
  /** Marketplace commission. */
  orderFeeCents?: number;
  netAmountCents?: number;
  discountCents?: number;
  marketplaceDiscountCents?: number;
  leftOverCents?: number;
}

export interface IderisOrderDetailItem {
  /** Null on real orders whose listing has no SKU; `listingCode` is the fallback key. */
  sku: string | null;
  /** The marketplace's code of the product sold (v3 `codeProduct`, legacy `codigoProdutoItem`): the de-para key when the SKU is absent. */
  listingCode?: string;
  /** Legacy `codigoProduto`: the marketplace's product id, coarser than the listing. */
  productCode?: string;
  /** The variation as text, `name: value` pairs joined by ", " (v3 `productVariation`, legacy `variacaoProdutoItem`). */
  variation?: string;
  /** v3 `productVariation: [{name, value}]` (e.g. Cor: Azul); empty when the item has none or only the legacy text. */
  attributes: IderisItemAttribute[];
  title?: string;
  /** Undefined when the panel holds something that is not a number. */
  quantity?: number;
  unitPriceCents?: number;
  image?: string;
}

export interface IderisItemAttribute {
  name: string;
  value: string;
}

export interface IderisOrderPayment {
  code?: string;
  /** Marketplace vocabulary passed through (Mercado Pago's: `credit_card`, `pix`, `ticket`, …). */
  method?: string;
  status?: string;
  installments?: number;
  approved?: Date;
  amountCents?: number;
}

/** Accepts the order itself or the `{obj: order}` / `{result: [order]}` envelopes of v3 and legacy. */
export function mapIderisOrderDetail(raw: unknown): IderisOrderDetail | undefined {
  const order = unwrap(raw);
  if (!order) return undefined;
  const id = toInteger(pick(order, 'id'));
  if (id === undefined) return undefined;
  const read = (...keys: string[]): string | undefined => toText(pick(order, ...keys));
  const cents = (...keys: string[]): number | undefined => parseIderisMoneyCents(pick(order, ...keys));
  const date = (...keys: string[]): Date | undefined => parseIderisDate(pick(order, ...keys));
  return {
    id,
    code: read('code', 'codigo'),
    cartCode: read('packId', 'codigoCarrinhoCompras'),
    marketplaceName: read('marketplaceName', 'marketplace'),
    authenticationId: toInteger(pick(order, 'authenticationId', 'idAutenticacaoIderis')),
    authenticationName: read('authenticationName', 'nomeContaMarketplace'),
    intermediary: optionalGroup({
      name: read('intermediaryName', 'intermediadorNome'),
      // ASSUMPTION (docs/contracts.md#ideris-order-detail): v3 name not seen in public clients; mirrors `intermediaryName`.
      cnpj: digitsOrUndefined(read('intermediaryCnpj', 'intermediadorCnpj')),
    }),
    statusId: toInteger(pick(order, 'statusId')),
    statusDescription: read('statusDescription', 'status'),
    approved: date('approved'),
    // ASSUMPTION (docs/contracts.md#ideris-order-detail): `created` is the v3 name a public client reads; the others are guesses, legacy calls it `data`.
    created: date('created', 'createdAt', 'date', 'data'),
    sent: date('sent', 'dataEnvio'),
    buyer: {
      firstName: read('customerFirstName', 'compradorPrimeiroNome'),
      lastName: read('customerLastName', 'compradorSobrenome'),
      nickname: read('customerNickname', 'compradorApelido'),
      email: read('customerEmail', 'compradorEmail')?.trim(),
      documentType: toDocumentType(read('documentType', 'compradorTipoDocumento')),
      documentValue: documentOrUndefined(read('documentValue', 'compradorDocumento')),
      phoneAreaCode: digitsOrUndefined(read('phoneAreaCode', 'compradorCodigoAreaTelefone')),
      phoneNumber: digitsOrUndefined(read('phoneNumber', 'compradorTelefone')),
    },
    shippingAddress: {
      line: read('addressLine', 'enderecoEntregaCompleto'),
      street: read('addressStreet', 'enderecoEntregaRua'),
      number: read('addressNumber', 'enderecoEntregaNumero'),
      complement: read('addressComment', 'enderecoEntregaComentario'),
      district: read('districtName', 'enderecoEntregaBairro'),
      city: read('cityName', 'enderecoEntregaCidade'),
      stateName: read('stateName', 'enderecoEntregaEstado'),
      stateAbbreviation: read('stateAbbreviation'),
      country: read('countryName', 'enderecoEntregaPais'),
      zipCode: digitsOrUndefined(read('addressZipCode', 'enderecoEntregaCep')),
      receiverName: read('addressReceiverName', 'enderecoEntrega_NomeResponsavelRecebimento'),
      receiverPhone: digitsOrUndefined(read('addressReceiverPhone', 'enderecoEntrega_TelefoneResponsavelRecebimento')),
    },
    delivery: {
      type: read('deliveryType', 'tipoEntrega'),
      trackingCode: read('deliveryTrackingCode', 'numeroRastreio'),
      code: read('deliveryCode', 'codigoEntrega'),
    },
    amounts: {
      itemsTotalCents: cents('valorTotal'),
      valueWithShippingCents: cents('valueWithShipping', 'valorTotalComFrete'),
      paidAmountCents: cents('paidAmount', 'valorPago'),
      // ASSUMPTION (docs/contracts.md#ideris-order-detail): public v3 clients show no separate buyer-freight field; the sandbox and the reference
      // example both satisfy valueWithShipping = items + feeShipment, so v3 feeShipment is read as it.
      buyerShippingCents: cents('freteComprador', 'feeShipment'),
      shipmentFeeCents: cents('tarifaEnvio'),
      orderFeeCents: cents('feeOrder', 'tarifaVenda'),
      netAmountCents: cents('netAmount', 'totalLiquido'),
      discountCents: cents('discount', 'valorDesconto'),
      marketplaceDiscountCents: cents('discountMarketplace'),
      leftOverCents: cents('leftOver', 'valorSobrou'),
    },
    items: records(pick(order, 'items', 'Item', 'itens')).map(mapItem),
    payments: records(pick(order, 'payments', 'Pagamento', 'pagamentos')).map(mapPayment),
    raw: order,
  };
}

function mapItem(item: Record<string, unknown>): IderisOrderDetailItem {
  const attributes = variationAttributes(item['productVariation']);
  return {
    sku: toText(pick(item, 'sku', 'skuProdutoItem'))?.trim() ?? null,
    listingCode: toText(pick(item, 'codeProduct', 'codigoProdutoItem'))?.trim(),
    productCode: toText(pick(item, 'codigoProduto'))?.trim(),
    variation: attributes.length > 0 ? attributes.map(({ name, value }) => (name ? `${name}: ${value}` : value)).join(', ') : toText(pick(item, 'variacaoProdutoItem'))?.trim(),
    attributes,
    title: toText(pick(item, 'title', 'tituloProdutoItem'))?.trim(),
    quantity: toQuantity(pick(item, 'quantity', 'quantidadeItem')),
    // ASSUMPTION (docs/contracts.md#ideris-order-detail): public v3 clients read no price; `price` is what the sandbox serves, `unitPrice` a guess.
    unitPriceCents: parseIderisMoneyCents(pick(item, 'price', 'unitPrice', 'precoUnitarioItem')),
    image: toText(pick(item, 'image', 'caminhoImagemItem')),
  };
}

/** `productVariation: [{name, value}]`; entries without a value are dropped, a missing name keeps the value alone. */
function variationAttributes(value: unknown): IderisItemAttribute[] {
  return records(value).flatMap((entry) => {
    const name = toText(entry['name'])?.trim() ?? '';
    const text = toText(entry['value'])?.trim();
    return text ? [{ name, value: text }] : [];
  });
}

function mapPayment(payment: Record<string, unknown>): IderisOrderPayment {
  return {
    code: toText(pick(payment, 'code', 'id', 'codigoPagamento')),
    // ASSUMPTION (docs/contracts.md#ideris-order-detail): v3 names of method/status/installments/amount unknown; guessed by analogy with legacy.
    method: toText(pick(payment, 'method', 'paymentMethod', 'formaPagamento'))?.trim(),
    status: toText(pick(payment, 'status', 'paymentStatus', 'statusPagamento'))?.trim(),
    installments: toInteger(pick(payment, 'installments', 'numeroParcelasPagamento')),
    approved: parseIderisDate(pick(payment, 'approved', 'dataAprovacaoPagamento')),
    amountCents: parseIderisMoneyCents(pick(payment, 'amount', 'value', 'transactionAmount', 'valorPagamento')),
  };
}

/**
 * Money as integer cents. JSON numbers are read through their shortest decimal text, so `49.9` is
 * exactly 4990. Strings are parsed defensively: a comma means Brazilian format (`"1.234,56"`), so do
 * several dots (`"1.234.567"`); otherwise a single dot is the decimal separator (`"1.234"` is 1.23). Rounds half away from zero at the third decimal.
 */
export function parseIderisMoneyCents(value: unknown): number | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value);
    if (/e/i.test(text)) text = value.toFixed(3);
  } else if (typeof value === 'string') {
    text = value.replace(/R\$|\s/g, '');
    if (text.includes(',')) text = text.replace(/\./g, '').replace(',', '.');
    else if ((text.match(/\./g) ?? []).length > 1) text = text.replace(/\./g, '');
  } else {
    return undefined;
  }
  const match = /^([-+]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && !match[3])) return undefined;
  const fraction = `${match[3] ?? ''}000`;
  let cents = Number(match[2] || '0') * 100 + Number(fraction.slice(0, 2));
  if (Number(fraction[2]) >= 5) cents += 1;
  return match[1] === '-' && cents !== 0 ? -cents : cents;
}

/** ISO-8601; a value without a zone is taken as Brasília time (-03:00), never as the server's local zone. */
export function parseIderisDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const isDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text);
  const date = new Date(isDateTime && !hasZone ? `${text}-03:00` : text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function unwrap(raw: unknown): Record<string, unknown> | undefined {
  if (!isRecord(raw)) return undefined;
  if (isRecord(raw['obj'])) return raw['obj'];
  const result = raw['result'];
  if (Array.isArray(result) && isRecord(result[0])) return result[0];
  if (isRecord(result)) return result;
  return raw;
}

function pick(record: Record<string, unknown>, ...keys: string[]): unknown {
  for (const key of keys) {
    const value = record[key];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function optionalGroup<T extends object>(group: T): T | undefined {
  return Object.values(group).some((value) => value !== undefined) ? group : undefined;
}

function toText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) {
    const parsed = Number(value);
    return Number.isSafeInteger(parsed) ? parsed : undefined;
  }
  return undefined;
}

function toQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(',', '.');
  return /^-?\d+(?:\.\d+)?$/.test(text) ? Number(text) : undefined;
}

function toDocumentType(value: string | undefined): IderisDocumentType | undefined {
  const normalised = value?.trim().toUpperCase();
  return normalised === 'CPF' || normalised === 'CNPJ' ? normalised : undefined;
}

function documentOrUndefined(value: string | undefined): string | undefined {
  const compact = value?.toUpperCase().replace(/[^0-9A-Z]/g, '') ?? '';
  return compact === '' ? undefined : compact;
}

function digitsOrUndefined(value: string | undefined): string | undefined {
  const digits = value?.replace(/\D/g, '') ?? '';
  return digits === '' ? undefined : digits;
}
