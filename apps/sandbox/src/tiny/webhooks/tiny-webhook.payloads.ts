import { totalBalance, type TinyExpedition, type TinyInvoice, type TinyOrder, type TinyProduct } from '../tiny-data.store';
import { danfeLink } from '../tiny-fiscal.scripts';
import { TINY_SITUATIONS } from '../tiny-situations';
import { DEFAULT_TINY_WIRE_SHAPES, type TinyWireShapes } from '../tiny-wire-shapes';

/** E-commerce integration webhooks (§7.2), one URL each per integration. */
export const TINY_ECOMMERCE_WEBHOOK_KINDS = ['estoque', 'produto', 'precos', 'rastreio', 'nota_fiscal', 'situacao_pedido'] as const;
/** Account ("Webhooks" extension) sales webhooks (§7.1): no `idEcommerce` in the envelope. */
export const TINY_ACCOUNT_WEBHOOK_KINDS = ['inclusao_pedido', 'atualizacao_pedido'] as const;
export const TINY_WEBHOOK_KINDS = [...TINY_ECOMMERCE_WEBHOOK_KINDS, ...TINY_ACCOUNT_WEBHOOK_KINDS] as const;

export type TinyEcommerceWebhookKind = (typeof TINY_ECOMMERCE_WEBHOOK_KINDS)[number];
export type TinyAccountWebhookKind = (typeof TINY_ACCOUNT_WEBHOOK_KINDS)[number];
export type TinyWebhookKind = (typeof TINY_WEBHOOK_KINDS)[number];

export function isTinyWebhookKind(value: string): value is TinyWebhookKind {
  return (TINY_WEBHOOK_KINDS as readonly string[]).includes(value);
}

export function isAccountWebhookKind(kind: TinyWebhookKind): kind is TinyAccountWebhookKind {
  return (TINY_ACCOUNT_WEBHOOK_KINDS as readonly string[]).includes(kind);
}

/** What the hub answered to a `produto` notification for one product or variation. */
export interface TinyProductMapping {
  idMapeamento: string;
  skuMapeamento: string;
  urlProduto?: string;
  urlImagem?: string;
  error?: string;
}

export type WebhookDados = Record<string, unknown>;

/** Resolves the integration's mapping of a Tiny product (set by the hub's answers to `produto`). */
export type MappingLookup = (productId: number) => TinyProductMapping | undefined;

/**
 * `{versao, cnpj, idEcommerce, tipo, dados}` for e-commerce webhooks, `{versao, cnpj, tipo, dados}` for the
 * account webhooks and for the account-level `estoque` shape (versao 1.0.1, docs/contracts.md#tiny-estoque).
 * ASSUMPTION (docs/contracts.md#tiny-rastreio): `rastreio` carries versao 1.0.1 (the only version quoted for it,
 * from a doc comment); every other kind 1.0.0.
 */
export function tinyWebhookEnvelope(kind: TinyWebhookKind, cnpj: string, idEcommerce: number, dados: WebhookDados, shapes: Pick<TinyWireShapes, 'stockNotification'> = DEFAULT_TINY_WIRE_SHAPES): WebhookDados {
  if (kind === 'estoque' && shapes.stockNotification === 'account') return { versao: '1.0.1', cnpj, tipo: kind, dados };
  const versao = kind === 'rastreio' ? '1.0.1' : '1.0.0';
  if (isAccountWebhookKind(kind)) return { versao, cnpj, tipo: kind, dados };
  return { versao, cnpj, idEcommerce, tipo: kind, dados };
}

/** The account-level `estoque` (an integrator's fixture of a real one): no tipoEstoque, no skuMapeamento; `saldo` physical. */
export function accountStockDados(product: TinyProduct): WebhookDados {
  return { idProduto: product.id, sku: product.codigo, nome: product.nome, saldo: totalBalance(product) };
}

/**
 * `estoque` (official `api2-webhooks-atualizacao-estoque`): `saldo` is the physical balance (F) or the balance
 * minus reservations (D), per the integration's setting.
 * ASSUMPTION (docs/contracts.md#tiny-estoque): a product never mapped through `produto` is reported as if the integration had mapped it by its
 * own code (`skuMapeamento` = `codigo`); `skuMapeamentoPai` is empty for a product without a parent.
 */
export function stockDados(product: TinyProduct, parent: TinyProduct | undefined, tipoEstoque: 'F' | 'D', mapping: MappingLookup): WebhookDados {
  const physical = totalBalance(product);
  return {
    tipoEstoque,
    saldo: tipoEstoque === 'F' ? physical : physical - product.saldoReservado,
    idProduto: product.id,
    sku: product.codigo,
    skuMapeamento: mapping(product.id)?.skuMapeamento ?? product.codigo,
    skuMapeamentoPai: parent ? (mapping(parent.id)?.skuMapeamento ?? parent.codigo) : '',
  };
}

/** `precos` — every field a string (integrator TS type); `idMapeamento` empty while unmapped (ASSUMPTION (docs/contracts.md#tiny-precos-notification)). */
export function priceDados(product: TinyProduct, parent: TinyProduct | undefined, mapping: MappingLookup): WebhookDados {
  return {
    idMapeamento: mapping(product.id)?.idMapeamento ?? '',
    skuMapeamento: mapping(product.id)?.skuMapeamento ?? product.codigo,
    skuMapeamentoPai: parent ? (mapping(parent.id)?.skuMapeamento ?? parent.codigo) : '',
    nome: product.nome,
    codigo: product.codigo,
    preco: product.preco,
    precoPromocional: product.precoPromocional,
  };
}

/**
 * `produto` ("Envio de produtos"): the whole product with its variations. ASSUMPTION (docs/contracts.md#tiny-produto): the field set follows
 * the integrators' samples (ids as numbers, prices and stock as strings, `grade` as an object).
 */
export function productDados(product: TinyProduct, variations: TinyProduct[], mapping: MappingLookup, wrapVariations = false): WebhookDados {
  const stock = (item: TinyProduct): string => totalBalance(item).toFixed(2);
  return {
    id: product.id,
    idMapeamento: mapping(product.id)?.idMapeamento ?? '',
    skuMapeamento: mapping(product.id)?.skuMapeamento ?? '',
    codigo: product.codigo,
    nome: product.nome,
    unidade: product.unidade,
    preco: product.preco,
    precoPromocional: product.precoPromocional,
    ncm: product.ncm ?? '',
    gtin: product.gtin ?? '',
    marca: product.marca ?? '',
    origem: product.origem,
    situacao: product.situacao,
    tipo: product.tipo,
    classeProduto: product.classeProduto,
    pesoBruto: product.pesoBruto ?? '',
    pesoLiquido: product.pesoLiquido ?? '',
    precoCusto: product.precoCusto ?? '',
    // ASSUMPTION (docs/contracts.md#tiny-produto): packaging dimensions travel under produto.obter's output names.
    alturaEmbalagem: product.alturaEmbalagem ?? '',
    larguraEmbalagem: product.larguraEmbalagem ?? '',
    comprimentoEmbalagem: product.comprimentoEmbalagem ?? '',
    estoqueAtual: stock(product),
    arvoreCategoria: [],
    anexos: (product.anexos ?? []).map((url) => ({ url })),
    seo: { titulo: product.nome, descricao: '', keywords: '' },
    kit: (product.kit ?? []).map((item) => ({ id: item.idProduto, quantidade: item.quantidade })),
    // `wrapVariations`: items as `{variacao:{…}}`, as one public client copes with (docs/contracts.md#tiny-produto).
    variacoes: variations.map((variation) => wrapped(wrapVariations, {
      id: variation.id,
      idMapeamento: mapping(variation.id)?.idMapeamento ?? '',
      skuMapeamento: mapping(variation.id)?.skuMapeamento ?? '',
      codigo: variation.codigo,
      gtin: variation.gtin ?? '',
      preco: variation.preco,
      precoPromocional: variation.precoPromocional,
      estoqueAtual: stock(variation),
      grade: variation.grade ?? {},
      anexos: [],
    })),
  };
}

/**
 * `nota_fiscal` (C# model + three handlers; docs/contracts.md#tiny-nota-fiscal). `legacy`: as 1.0.0 senders send
 * it, without `idNotaFiscalTiny`, ids and `numero` as strings and `valorNota` a number.
 */
export function invoiceDados(invoice: TinyInvoice, order: TinyOrder | undefined, legacy = false): WebhookDados {
  if (legacy) {
    return {
      numero: String(invoice.numero),
      serie: String(invoice.serie),
      chaveAcesso: invoice.chaveAcesso,
      urlDanfe: danfeLink(invoice),
      dataEmissao: invoice.dataEmissao,
      valorNota: Number(invoice.valorNota),
      idPedidoEcommerce: order?.numeroEcommerce ?? invoice.numeroEcommerce ?? '',
      idVendaTiny: invoice.idVenda ? String(invoice.idVenda) : '',
    };
  }
  return {
    idNotaFiscalTiny: invoice.id,
    numero: invoice.numero,
    serie: invoice.serie,
    chaveAcesso: invoice.chaveAcesso,
    urlDanfe: danfeLink(invoice),
    dataEmissao: invoice.dataEmissao,
    valorNota: invoice.valorNota,
    idPedidoEcommerce: order?.numeroEcommerce ?? invoice.numeroEcommerce ?? '',
    idVendaTiny: invoice.idVenda ?? 0,
  };
}

/** `rastreio` (versao 1.0.1 doc comment + Go handler). ASSUMPTION (docs/contracts.md#tiny-rastreio): `idEntregaEcommerce` is empty (we hold none). */
export function trackingDados(order: TinyOrder, expedition: TinyExpedition): WebhookDados {
  return {
    idEntregaEcommerce: '',
    idVendaTiny: order.id,
    idNotaFiscalTiny: order.idNotaFiscal ?? 0,
    idPedidoEcommerce: order.numeroEcommerce ?? '',
    codigoRastreio: expedition.codigoRastreamento ?? order.codigoRastreamento ?? '',
    urlRastreio: expedition.urlRastreamento ?? order.urlRastreamento ?? '',
    transportadora: expedition.transportadora ?? order.transportadora ?? '',
    formaEnvio: expedition.formaEnvio,
    formaFrete: order.formaFrete ?? '',
  };
}

/**
 * `situacao_pedido` (docs/contracts.md#tiny-situacao-pedido): `situacao` the v2 code (`faturado`) or, with
 * `asDescription`, a description as integrators' fixtures have it (`"Aprovada"`, feminine, next to
 * `descricaoSituacao:"Aprovado"`); `descricaoSituacao` the v2 description.
 */
export function situationDados(order: TinyOrder, asDescription = false): WebhookDados {
  return {
    idPedidoEcommerce: order.numeroEcommerce ?? '',
    idVendaTiny: order.id,
    situacao: asDescription ? (SITUATION_AS_DESCRIPTION[order.situacao] ?? order.situacao) : order.situacao,
    descricaoSituacao: TINY_SITUATIONS[order.situacao] ?? order.situacao,
  };
}

/** v3-style descriptions (feminine, as in the integrators' fixture "Aprovada"). */
const SITUATION_AS_DESCRIPTION: Record<string, string> = {
  aberto: 'Aberta',
  aprovado: 'Aprovada',
  preparando_envio: 'Preparando envio',
  faturado: 'Faturada',
  pronto_envio: 'Pronto envio',
  enviado: 'Enviada',
  entregue: 'Entregue',
  nao_entregue: 'Não Entregue',
  cancelado: 'Cancelado',
};

const SHIPPING_METHODS: Record<string, string> = {
  C: 'Correios',
  T: 'Transportadora',
  M: 'Mercado Envios',
  B: 'B2W Entrega',
  X: 'Customizado',
  S: 'Sem frete',
};

/**
 * `inclusao_pedido` / `atualizacao_pedido` (official sample). Observed drift reproduced: `idNotaFiscal` is the
 * string `"0"` until an invoice exists, a number afterwards.
 */
export function accountOrderDados(order: TinyOrder): WebhookDados {
  const letter = order.formaEnvio?.toUpperCase();
  return {
    id: order.id,
    numero: order.numero,
    data: order.dataPedido,
    idPedidoEcommerce: order.numeroEcommerce ?? '',
    codigoSituacao: order.situacao,
    descricaoSituacao: TINY_SITUATIONS[order.situacao] ?? order.situacao,
    idContato: order.idContato ?? 0,
    idNotaFiscal: order.idNotaFiscal ?? '0',
    nomeEcommerce: order.ecommerce ?? '',
    formaEnvio: { id: letter ?? '', descricao: letter ? (SHIPPING_METHODS[letter] ?? letter) : '' },
    cliente: { nome: stringOf(order.cliente['nome']), cpfCnpj: stringOf(order.cliente['cpf_cnpj']).replace(/\D/g, '') },
  };
}

/** Fault "type drift": every number becomes a string and `tipoEstoque` goes missing, as integrators saw. */
export function withTypeDrift(dados: WebhookDados): WebhookDados {
  const drift = (value: unknown): unknown => {
    if (typeof value === 'number') return String(value);
    if (Array.isArray(value)) return value.map(drift);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'tipoEstoque').map(([key, inner]) => [key, drift(inner)]));
    }
    return value;
  };
  return drift(dados) as WebhookDados;
}

function wrapped(wrap: boolean, variation: WebhookDados): WebhookDados {
  return wrap ? { variacao: variation } : variation;
}

function stringOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
