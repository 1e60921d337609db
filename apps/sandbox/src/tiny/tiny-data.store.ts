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
  itens: TinyOrderItem[];
  valorFrete: string;
  totalProdutos: string;
  totalPedido: string;
  obs?: string;
  codigoRastreamento?: string;
  urlRastreamento?: string;
  createdAt: number;
  updatedAt: number;
}

export interface TinyDeposit {
  nome: string;
  saldo: number;
  desconsiderar: boolean;
}

export interface TinyProduct {
  id: number;
  codigo: string;
  nome: string;
  unidade: string;
  preco: string;
  saldoReservado: number;
  depositos: TinyDeposit[];
}

export interface TinyAccountData {
  orders: TinyOrder[];
  products: TinyProduct[];
  contacts: Array<Record<string, unknown> & { id: number }>;
  nextOrderNumber: number;
}

@Injectable()
export class TinyDataStore {
  private readonly data = new Map<string, TinyAccountData>();
  // Tiny ids are large and distinct from the order numbers a seller sees.
  private nextId = 700_000_001;

  of(token: string): TinyAccountData {
    let accountData = this.data.get(token);
    if (!accountData) {
      accountData = { orders: [], products: [], contacts: [], nextOrderNumber: 1 };
      this.data.set(token, accountData);
    }
    return accountData;
  }

  newId(): number {
    return this.nextId++;
  }

  reset(): void {
    this.data.clear();
  }
}
