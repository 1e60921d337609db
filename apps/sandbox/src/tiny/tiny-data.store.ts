import { Injectable } from '@nestjs/common';

export interface TinyOrderItem {
  codigo: string;
  descricao: string;
  unidade: string;
  quantidade: string;
  valorUnitario: string;
  idProduto?: number;
}

export interface TinyOrder {
  id: number;
  numero: number;
  numeroEcommerce?: string;
  ecommerce?: string;
  dataPedido: string;
  situacao: string;
  cliente: Record<string, unknown>;
  idContato?: number;
  itens: TinyOrderItem[];
  valorFrete: string;
  totalProdutos: string;
  totalPedido: string;
  obs?: string;
  /** `C` Correios, `T` transportadora… (v2 single letter). */
  formaEnvio?: string;
  formaFrete?: string;
  transportadora?: string;
  codigoRastreamento?: string;
  urlRastreamento?: string;
  idNotaFiscal?: number;
  /** pedido.lancar.estoque already posted this order's items out of stock. */
  estoqueLancado?: boolean;
  /** Order markers ("marcadores"), by description. */
  marcadores?: string[];
  createdAt: number;
  updatedAt: number;
}

export interface TinyDeposit {
  nome: string;
  saldo: number;
  desconsiderar: boolean;
}

export interface TinyKitComponent {
  idProduto: number;
  quantidade: string;
}

export interface TinyProduct {
  id: number;
  codigo: string;
  nome: string;
  unidade: string;
  preco: string;
  precoPromocional: string;
  situacao: string;
  tipo: string;
  /** S simples, K kit, V com variações, F fabricado, M matéria-prima. */
  classeProduto: string;
  /** N normal, P pai (has variations), V variação. */
  tipoVariacao: 'N' | 'P' | 'V';
  idProdutoPai?: number;
  grade?: Record<string, string>;
  origem: string;
  ncm?: string;
  gtin?: string;
  marca?: string;
  pesoBruto?: string;
  pesoLiquido?: string;
  /** Packaging dimensions in cm (input `altura_embalagem`…, output `alturaEmbalagem`…). */
  alturaEmbalagem?: string;
  larguraEmbalagem?: string;
  comprimentoEmbalagem?: string;
  precoCusto?: string;
  /** Image URLs (`anexos` / `imagens_externas` on input). */
  anexos?: string[];
  kit?: TinyKitComponent[];
  saldoReservado: number;
  depositos: TinyDeposit[];
  createdAt: number;
  updatedAt: number;
}

export interface TinyContact {
  id: number;
  /** Wire fields as Tiny stores them (snake_case strings), so obter answers what incluir/alterar sent. */
  fields: Record<string, string>;
  tiposContato: string[];
  createdAt: number;
  updatedAt: number;
}

export interface TinyPriceList {
  id: number;
  descricao: string;
  /** Percentage; negative = discount. */
  acrescimoDesconto: number;
}

export interface TinyInvoice {
  id: number;
  tipo: 'S' | 'E';
  serie: string;
  numero: string;
  idVenda?: number;
  numeroEcommerce?: string;
  chaveAcesso: string;
  /** Opaque part of the DANFE link (`doc.view.php?id=…`). */
  linkHash: string;
  /** 1 Pendente … 6 Autorizada, 7 Emitida DANFE … (table from an integrator note). */
  situacao: number;
  dataEmissao: string;
  valorNota: string;
  cliente: Record<string, unknown>;
  createdAt: number;
}

export interface TinyExpedition {
  id: number;
  idObjeto: number;
  tipoObjeto: 'venda' | 'notafiscal';
  identificacao: string;
  formaEnvio: string;
  idAgrupamento?: number;
  codigoRastreamento?: string;
  urlRastreamento?: string;
  transportadora?: string;
  dataEmissao: string;
  createdAt: number;
}

export interface TinyGrouping {
  id: number;
  formaEnvio: string;
  /** PLP for Correios, coleta (pick-up list) for carriers. */
  tipo: 'plp' | 'coleta';
  transportadora?: string;
  idsExpedicao: number[];
  concluido: boolean;
  createdAt: number;
  concludedAt?: number;
}

/**
 * One change to an order's situation or markers: `api` through the v2 scripts (an integrator such as the hub),
 * `seller` from Tiny's screens (the control API: a click, an invoice issued). Benchmarks and tests count what
 * Tiny actually received from it.
 */
export interface TinyOrderChange {
  at: string;
  orderId: number;
  kind: 'situation' | 'marker';
  by: 'api' | 'seller';
  /** The situation code, or the marker's description. */
  value: string;
  /** The situation before the change. */
  previous?: string;
}

export interface TinyAccountData {
  orders: TinyOrder[];
  products: TinyProduct[];
  contacts: TinyContact[];
  priceLists: TinyPriceList[];
  invoices: TinyInvoice[];
  expeditions: TinyExpedition[];
  groupings: TinyGrouping[];
  /** Every situation and marker change of the orders, in the order Tiny applied them. */
  orderChanges: TinyOrderChange[];
  /** Product id → instant of its last stock change not yet read through lista.atualizacoes.estoque. */
  pendingStockUpdates: Map<number, number>;
  nextOrderNumber: number;
  nextInvoiceNumber: number;
  /** The account's order markers: description → Tiny id (a new description creates one). */
  markers: Map<string, number>;
}

@Injectable()
export class TinyDataStore {
  private readonly data = new Map<string, TinyAccountData>();
  // Tiny ids are large and distinct from the order numbers a seller sees.
  private nextId = 700_000_001;

  of(token: string): TinyAccountData {
    let accountData = this.data.get(token);
    if (!accountData) {
      accountData = {
        orders: [],
        products: [],
        contacts: [],
        priceLists: [],
        invoices: [],
        expeditions: [],
        groupings: [],
        orderChanges: [],
        pendingStockUpdates: new Map(),
        nextOrderNumber: 1,
        nextInvoiceNumber: 1001,
        markers: new Map(),
      };
      this.data.set(token, accountData);
    }
    return accountData;
  }

  /** Journals a change of an order (see `TinyOrderChange`). */
  recordOrderChange(token: string, change: Omit<TinyOrderChange, 'at'>, now: number): void {
    this.of(token).orderChanges.push({ at: new Date(now).toISOString(), ...change });
  }

  newId(): number {
    return this.nextId++;
  }

  reset(): void {
    this.data.clear();
  }
}

export function newTinyProduct(id: number, fields: Partial<TinyProduct> & Pick<TinyProduct, 'codigo' | 'nome'>, now: number): TinyProduct {
  return {
    unidade: 'UN',
    preco: '0.00',
    precoPromocional: '0.00',
    situacao: 'A',
    tipo: 'P',
    classeProduto: 'S',
    tipoVariacao: 'N',
    origem: '0',
    saldoReservado: 0,
    depositos: [{ nome: 'Geral', saldo: 0, desconsiderar: false }],
    createdAt: now,
    updatedAt: now,
    ...fields,
    id,
  };
}

export function totalBalance(product: TinyProduct): number {
  return product.depositos.filter((deposit) => !deposit.desconsiderar).reduce((sum, deposit) => sum + deposit.saldo, 0);
}

export function digits(value: unknown): string {
  return (typeof value === 'string' || typeof value === 'number' ? String(value) : '').replace(/\D/g, '');
}
