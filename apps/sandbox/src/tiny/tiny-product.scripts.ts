import { Injectable } from '@nestjs/common';
import { isRecord } from '../common/request-params';
import { TinyBackofficeService } from './tiny-backoffice.service';
import { TinyDataStore, newTinyProduct, totalBalance, type TinyProduct } from './tiny-data.store';
import { productDetail, productRecordErrors, productFieldsFromWire, variationsFromWire, type TinyVariationInput } from './tiny-product.wire';
import { TinyBusinessError, tinyOk, type TinyRetornoBody } from './tiny-retorno';
import type { TinyScriptContext, TinyScriptMap } from './tiny-script';
import {
  batchAnswer,
  batchEntries,
  decimal,
  jsonDocument,
  jsonField,
  money,
  page,
  parseTinyDate,
  registroError,
  registroOk,
  requiredParam,
  text,
  tinyDate,
  type TinyRegistro,
} from './tiny-wire';

@Injectable()
export class TinyProductScripts {
  constructor(
    private readonly data: TinyDataStore,
    private readonly backoffice: TinyBackofficeService,
  ) {}

  scripts(): TinyScriptMap {
    return {
      'produto.obter.estoque': { handle: (context) => this.getStock(context) },
      'produto.atualizar.estoque': { handle: (context) => this.updateStock(context) },
      'produtos.pesquisa': { handle: (context) => this.search(context) },
      // Official: product writes always count as batch calls (5/min), whatever the number of records.
      'produto.incluir': { batch: true, handle: (context) => this.include(context) },
      'produto.alterar': { batch: true, handle: (context) => this.alter(context) },
      'produto.obter': { handle: (context) => this.get(context) },
      'produto.atualizar.precos': { handle: (context) => this.updatePrices(context) },
      'listas.precos.pesquisa': { handle: (context) => this.searchPriceLists(context) },
      'lista.atualizacoes.estoque': { handle: (context) => this.stockUpdates(context) },
    };
  }

  private getStock({ account, params }: TinyScriptContext): TinyRetornoBody {
    const product = this.find(account.token, requiredParam(params, 'id'));
    return tinyOk({ produto: stockView(product, account.razaoSocial) }, 3);
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
    if (deposit.saldo !== before) this.backoffice.stockChanged(account.token, product);
    return tinyOk(
      {
        registros: [
          registroOk('1', {
            id: product.id,
            saldoEstoque: totalBalance(product),
            saldoReservado: product.saldoReservado,
            // A movement that changes nothing (e.g. balance to the same value) creates no record.
            registroCriado: deposit.saldo !== before,
          }),
        ],
      },
      3,
    );
  }

  private search({ account, params }: TinyScriptContext): TinyRetornoBody {
    const term = requiredParam(params, 'pesquisa').toLowerCase();
    const situacao = text(params['situacao'])?.toUpperCase();
    // Tiny's search is fuzzy (partial name or code); callers must post-filter by exact code.
    const matching = this.data
      .of(account.token)
      .products.filter((product) => (situacao ? product.situacao === situacao : product.situacao !== 'E'))
      .filter((product) => product.nome.toLowerCase().includes(term) || product.codigo.toLowerCase().includes(term));
    const { items, pagina, numeroPaginas } = page(matching, params);
    const produtos = items.map((product) => ({
      produto: {
        id: product.id,
        nome: product.nome,
        // Numeric-looking codes come back as numbers.
        codigo: /^\d+$/.test(product.codigo) ? Number(product.codigo) : product.codigo,
        preco: product.preco,
        preco_promocional: product.precoPromocional,
        unidade: product.unidade,
        gtin: product.gtin ?? '',
        tipoVariacao: product.tipoVariacao,
        situacao: product.situacao,
        data_criacao: tinyDate(product.createdAt, true),
      },
    }));
    return tinyOk({ pagina, numero_paginas: numeroPaginas, produtos }, 3);
  }

  private include({ account, params, now }: TinyScriptContext): TinyRetornoBody {
    const products = this.data.of(account.token).products;
    const created: TinyProduct[] = [];
    const registros = batchEntries(params, 'produto', 'produtos', 'produto').map((produto, index): TinyRegistro => {
      const sequencia = text(produto['sequencia']) ?? String(index + 1);
      const errors = productRecordErrors(produto, products, true);
      if (errors.duplicate) return registroError(sequencia, 30, ['Registro em duplicidade - já existe um produto com este código']);
      if (errors.messages.length > 0) return registroError(sequencia, 31, errors.messages);
      const fields = productFieldsFromWire(produto);
      const parent = newTinyProduct(this.data.newId(), { ...fields, codigo: fields.codigo ?? '', nome: fields.nome ?? '' }, now);
      const initial = decimal(produto['estoque_atual']);
      if (initial !== undefined) parent.depositos[0].saldo = initial;
      const variations = variationsFromWire(produto['variacoes']).map((variation) => this.newVariation(parent, variation, now));
      if (variations.length > 0) {
        parent.tipoVariacao = 'P';
        parent.classeProduto = 'V';
      }
      products.push(parent, ...variations);
      created.push(parent);
      return registroOk(sequencia, { id: parent.id, codigo: parent.codigo });
    });
    for (const product of created) this.backoffice.productChanged(account.token, product);
    return batchAnswer(registros);
  }

  /**
   * ASSUMPTION (docs/contracts.md#tiny-produto-incluir-alterar): alterar locates by `id`, else by exact `codigo`; only the fields sent change. Variations sent are
   * matched to the product's children by `codigo` (updated) or created; children not sent are kept.
   */
  private alter({ account, params, now }: TinyScriptContext): TinyRetornoBody {
    const products = this.data.of(account.token).products;
    const changed: TinyProduct[] = [];
    const registros = batchEntries(params, 'produto', 'produtos', 'produto').map((produto, index): TinyRegistro => {
      const sequencia = text(produto['sequencia']) ?? String(index + 1);
      const id = text(produto['id']);
      const code = text(produto['codigo']);
      const product = id ? products.find((candidate) => String(candidate.id) === id) : products.find((candidate) => candidate.codigo === code);
      if (!product) return registroError(sequencia, 32, ['Produto não localizado']);
      const family = products.filter((candidate) => candidate === product || candidate.idProdutoPai === product.id);
      const errors = productRecordErrors(produto, products.filter((candidate) => !family.includes(candidate)), false);
      if (errors.duplicate) return registroError(sequencia, 30, ['Registro em duplicidade - já existe um produto com este código']);
      if (errors.messages.length > 0) return registroError(sequencia, 31, errors.messages);
      const before = `${product.preco}/${product.precoPromocional}`;
      Object.assign(product, productFieldsFromWire(produto));
      for (const variation of variationsFromWire(produto['variacoes'])) {
        const child = family.find((candidate) => candidate.idProdutoPai === product.id && candidate.codigo === variation.codigo);
        if (child) {
          child.grade = variation.grade;
          if (variation.preco !== undefined) child.preco = variation.preco;
          if (variation.gtin !== undefined) child.gtin = variation.gtin;
          child.updatedAt = now;
        } else {
          products.push(this.newVariation(product, variation, now));
          product.tipoVariacao = 'P';
          product.classeProduto = 'V';
        }
      }
      if (`${product.preco}/${product.precoPromocional}` !== before) this.backoffice.priceChanged(account.token, product);
      else product.updatedAt = now;
      changed.push(product);
      return registroOk(sequencia, { id: product.id, codigo: product.codigo });
    });
    for (const product of changed) this.backoffice.productChanged(account.token, product);
    return batchAnswer(registros);
  }

  /** A variation is a product of its own (`tipoVariacao` V) pointing to its parent, named after it and its grid. */
  private newVariation(parent: TinyProduct, variation: TinyVariationInput, now: number): TinyProduct {
    return newTinyProduct(
      this.data.newId(),
      {
        codigo: variation.codigo,
        nome: `${parent.nome} ${Object.values(variation.grade).join(' ')}`.trim(),
        unidade: parent.unidade,
        preco: variation.preco ?? parent.preco,
        origem: parent.origem,
        ncm: parent.ncm,
        gtin: variation.gtin,
        marca: parent.marca,
        grade: variation.grade,
        tipoVariacao: 'V',
        idProdutoPai: parent.id,
        depositos: [{ nome: 'Geral', saldo: variation.estoque ?? 0, desconsiderar: false }],
      },
      now,
    );
  }

  private get({ account, params }: TinyScriptContext): TinyRetornoBody {
    const product = this.find(account.token, requiredParam(params, 'id'));
    const products = this.data.of(account.token).products;
    return tinyOk({ produto: productDetail(product, products) }, 3);
  }

  /** Body `{"precos":[{id, preco, preco_promocional}]}` (a bare array is accepted too); per-item registros, "Parcial" when mixed. */
  private updatePrices({ account, params }: TinyScriptContext): TinyRetornoBody {
    const field = params['precos'] !== undefined ? 'precos' : 'data';
    const raw = params[field];
    let entries: unknown;
    try {
      entries = raw !== undefined && raw.trim().startsWith('[') ? JSON.parse(raw) : jsonDocument(params, field)['precos'];
    } catch {
      throw new TinyBusinessError(3, ['JSON mal formado ou inválido'], 1);
    }
    if (!Array.isArray(entries) || entries.length === 0) throw new TinyBusinessError(10, ['parametro precos não informado'], 1);
    const products = this.data.of(account.token).products;
    const registros = entries.map((entry, index): TinyRegistro => {
      const sequencia = String(index + 1);
      const item = isRecord(entry) ? entry : {};
      const product = products.find((candidate) => String(candidate.id) === text(item['id']));
      if (!product) return registroError(sequencia, 32, ['Produto não localizado']);
      const preco = decimal(item['preco']);
      const promotional = item['preco_promocional'] === undefined ? undefined : decimal(item['preco_promocional']);
      if (preco === undefined || (item['preco_promocional'] !== undefined && promotional === undefined)) {
        return registroError(sequencia, 31, ['campo preco deve ser decimal, separado por ponto']);
      }
      product.preco = money(preco);
      if (promotional !== undefined) product.precoPromocional = money(promotional);
      this.backoffice.priceChanged(account.token, product);
      return registroOk(sequencia, { id: product.id, preco: product.preco, preco_promocional: product.precoPromocional });
    });
    return batchAnswer(registros);
  }

  private searchPriceLists({ account, params }: TinyScriptContext): TinyRetornoBody {
    const term = text(params['pesquisa'])?.toLowerCase();
    const lists = this.data.of(account.token).priceLists.filter((list) => !term || list.descricao.toLowerCase().includes(term));
    const { items } = page(lists, params);
    return tinyOk({ registros: items.map((list) => ({ registro: { id: list.id, descricao: list.descricao, acrescimo_desconto: list.acrescimoDesconto } })) }, 3);
  }

  /** Official: records returned are removed from the queue (consume once); a crashed reader loses them. */
  private stockUpdates({ account, params }: TinyScriptContext): TinyRetornoBody {
    const since = parseTinyDate(requiredParam(params, 'dataAlteracao'));
    if (since === undefined) throw new TinyBusinessError(31, ['dataAlteracao deve estar no formato dd/mm/aaaa [hh:mm:ss]']);
    const accountData = this.data.of(account.token);
    const pending = [...accountData.pendingStockUpdates.entries()]
      .filter(([, at]) => at >= since)
      .sort((a, b) => a[1] - b[1])
      .flatMap(([id, at]) => {
        const product = accountData.products.find((candidate) => candidate.id === id);
        return product ? [{ product, at }] : [];
      });
    const { items, pagina, numeroPaginas } = page(pending, params);
    for (const { product } of items) accountData.pendingStockUpdates.delete(product.id);
    const produtos = items.map(({ product, at }) => ({ produto: { ...stockView(product, account.razaoSocial), data_alteracao: tinyDate(at, true) } }));
    return tinyOk({ pagina, numero_paginas: numeroPaginas, produtos }, 3);
  }

  private find(token: string, id: string): TinyProduct {
    const product = this.data.of(token).products.find((candidate) => String(candidate.id) === id.trim());
    if (!product) throw new TinyBusinessError(32, ['Produto não localizado'], 2);
    return product;
  }
}

function stockView(product: TinyProduct, company: string): Record<string, unknown> {
  return {
    id: String(product.id),
    nome: product.nome,
    codigo: product.codigo,
    unidade: product.unidade,
    saldo: totalBalance(product),
    saldoReservado: product.saldoReservado,
    depositos: product.depositos.map((deposit) => ({
      deposito: { nome: deposit.nome, desconsiderar: deposit.desconsiderar ? 'S' : 'N', saldo: deposit.saldo, empresa: company },
    })),
  };
}
