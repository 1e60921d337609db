import { Injectable } from '@nestjs/common';
import { TinyDataStore, type TinyProduct } from './tiny-data.store';
import { TinyBusinessError, tinyOk, type TinyRetornoBody } from './tiny-retorno';
import type { TinyScriptContext, TinyScriptMap } from './tiny-script';
import { decimal, jsonField, requiredParam, text } from './tiny-wire';

const PAGE_SIZE = 100;

@Injectable()
export class TinyProductScripts {
  constructor(private readonly data: TinyDataStore) {}

  scripts(): TinyScriptMap {
    return {
      'produto.obter.estoque': { handle: (context) => this.getStock(context) },
      'produto.atualizar.estoque': { handle: (context) => this.updateStock(context) },
      'produtos.pesquisa': { handle: (context) => this.search(context) },
    };
  }

  private getStock({ account, params }: TinyScriptContext): TinyRetornoBody {
    const product = this.find(account.token, requiredParam(params, 'id'));
    return tinyOk(
      {
        produto: {
          id: String(product.id),
          nome: product.nome,
          codigo: product.codigo,
          unidade: product.unidade,
          saldo: totalBalance(product),
          saldoReservado: product.saldoReservado,
          depositos: product.depositos.map((deposit) => ({
            deposito: { nome: deposit.nome, desconsiderar: deposit.desconsiderar ? 'S' : 'N', saldo: deposit.saldo, empresa: account.razaoSocial },
          })),
        },
      },
      3,
    );
  }

  private updateStock({ account, params }: TinyScriptContext): TinyRetornoBody {
    const estoque = jsonField(params, 'estoque', 'estoque');
    const product = this.find(account.token, text(estoque['idProduto']) ?? '');
    const tipo = (text(estoque['tipo']) ?? 'E').toUpperCase();
    const quantidade = decimal(estoque['quantidade']);
    if (!['E', 'S', 'B'].includes(tipo)) throw new TinyBusinessError(31, [`Tipo de lançamento inválido: ${tipo}`]);
    if (quantidade === undefined || quantidade < 0) throw new TinyBusinessError(31, ['campo quantidade deve ser decimal, separado por ponto']);
    const depositName = text(estoque['deposito']);
    const deposit = depositName ? product.depositos.find((candidate) => candidate.nome === depositName) : product.depositos[0];
    if (!deposit) throw new TinyBusinessError(31, [`Depósito não encontrado: ${depositName ?? ''}`]);
    const before = deposit.saldo;
    if (tipo === 'E') deposit.saldo += quantidade;
    else if (tipo === 'S') deposit.saldo -= quantidade;
    else deposit.saldo = quantidade;
    return tinyOk(
      {
        registros: [
          {
            registro: {
              sequencia: '1',
              status: 'OK',
              id: product.id,
              saldoEstoque: totalBalance(product),
              saldoReservado: product.saldoReservado,
              // A movement that changes nothing (e.g. balance to the same value) creates no record.
              registroCriado: deposit.saldo !== before,
            },
          },
        ],
      },
      3,
    );
  }

  private search({ account, params }: TinyScriptContext): TinyRetornoBody {
    const term = requiredParam(params, 'pesquisa').toLowerCase();
    // Tiny's search is fuzzy (partial name or code); callers must post-filter by exact code.
    const matching = this.data
      .of(account.token)
      .products.filter((product) => product.nome.toLowerCase().includes(term) || product.codigo.toLowerCase().includes(term));
    if (matching.length === 0) throw new TinyBusinessError(20, ['A consulta não retornou registros'], 2);
    const page = Number(params['pagina'] ?? '1') || 1;
    const pageCount = Math.ceil(matching.length / PAGE_SIZE);
    if (page > pageCount) throw new TinyBusinessError(23, ['A página que você está tentando obter não existe'], 2);
    const produtos = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((product) => ({
      produto: {
        id: product.id,
        nome: product.nome,
        // Numeric-looking codes come back as numbers.
        codigo: /^\d+$/.test(product.codigo) ? Number(product.codigo) : product.codigo,
        preco: product.preco,
        preco_promocional: '0.00',
        unidade: product.unidade,
        gtin: '',
        tipoVariacao: 'N',
        situacao: 'A',
      },
    }));
    return tinyOk({ pagina: page, numero_paginas: pageCount, produtos }, 3);
  }

  private find(token: string, id: string): TinyProduct {
    const product = this.data.of(token).products.find((candidate) => String(candidate.id) === id.trim());
    if (!product) throw new TinyBusinessError(32, ['Produto não localizado'], 2);
    return product;
  }
}

function totalBalance(product: TinyProduct): number {
  return product.depositos.filter((deposit) => !deposit.desconsiderar).reduce((sum, deposit) => sum + deposit.saldo, 0);
}
