import { Injectable } from '@nestjs/common';
import { isRecord } from '../common/request-params';
import { TinyBackofficeService } from './tiny-backoffice.service';
import { contactForOrder } from './tiny-contact.scripts';
import { TinyDataStore, type TinyOrder } from './tiny-data.store';
import { buildOrder } from './tiny-order.builder';
import { TinyBusinessError, tinyOk, tinyRegistroError, type TinyRetornoBody } from './tiny-retorno';
import type { TinyScriptContext, TinyScriptMap } from './tiny-script';
import { TINY_SITUATIONS } from './tiny-situations';
import { decimal, jsonField, parseTinyDate, requiredParam, text } from './tiny-wire';

const PAGE_SIZE = 100;

@Injectable()
export class TinyOrderScripts {
  constructor(
    private readonly data: TinyDataStore,
    private readonly backoffice: TinyBackofficeService,
  ) {}

  scripts(): TinyScriptMap {
    return {
      'pedido.incluir': { handle: (context) => this.include(context) },
      'pedido.obter': { handle: (context) => this.get(context) },
      'pedidos.pesquisa': { handle: (context) => this.search(context) },
      'pedido.alterar.situacao': { handle: (context) => this.changeSituation(context) },
      'pedido.lancar.estoque': { handle: (context) => this.postStock(context) },
      'cadastrar.codigo.rastreamento.pedido': { handle: (context) => this.registerTracking(context) },
      'pedido.marcadores.incluir': { handle: (context) => this.addMarkers(context) },
    };
  }

  private include({ account, params, now }: TinyScriptContext): TinyRetornoBody {
    const pedido = jsonField(params, 'pedido', 'pedido');
    const accountData = this.data.of(account.token);
    const orders = accountData.orders;
    let order: TinyOrder;
    try {
      order = buildOrder(pedido, { id: this.data.newId(), numero: accountData.nextOrderNumber }, now);
    } catch (error: unknown) {
      if (error instanceof TinyBusinessError) return tinyRegistroError(error.codigo, error.messages);
      throw error;
    }
    // ASSUMPTION (docs/contracts.md#tiny-pedido-incluir): Tiny's duplicate rule is undocumented; we treat the same e-commerce order number on the same channel as a duplicate.
    const duplicate = order.numeroEcommerce && orders.some((o) => o.numeroEcommerce === order.numeroEcommerce && o.ecommerce === order.ecommerce);
    if (duplicate) return tinyRegistroError(30, ['Registro em duplicidade']);
    for (const item of order.itens) item.idProduto = accountData.products.find((product) => product.codigo === item.codigo)?.id;
    accountData.nextOrderNumber += 1;
    order.idContato = contactForOrder(accountData.contacts, order.cliente, () => this.data.newId(), now).id;
    order.formaEnvio = text(pedido['forma_envio'])?.toUpperCase();
    order.formaFrete = text(pedido['forma_frete']);
    order.transportadora = text(pedido['nome_transportador']);
    orders.push(order);
    this.backoffice.situationChanged(account.token, order, true);
    return tinyOk({ registros: { registro: { sequencia: '1', status: 'OK', id: String(order.id), numero: String(order.numero) } } }, 3);
  }

  private get({ account, params }: TinyScriptContext): TinyRetornoBody {
    const order = this.find(account.token, requiredParam(params, 'id'));
    return tinyOk({ pedido: orderDetail(order, account.shapes.orderEcommerceNumber === 'nested-only') }, '3');
  }

  private search({ account, params }: TinyScriptContext): TinyRetornoBody {
    const filters = ['numero', 'cliente', 'cpf_cnpj', 'dataInicial', 'dataFinal', 'dataAtualizacao', 'situacao', 'numeroEcommerce'];
    if (!filters.some((filter) => params[filter])) throw new TinyBusinessError(10, ['Informe pelo menos um filtro para a pesquisa'], 1);
    const matching = this.data.of(account.token).orders.filter((order) => matchesSearch(order, params));
    if (matching.length === 0) throw new TinyBusinessError(20, ['A consulta não retornou registros'], 2);
    if (params['sort']?.toUpperCase() === 'DESC') matching.reverse();
    const pageCount = Math.ceil(matching.length / PAGE_SIZE);
    const page = Number(params['pagina'] ?? '1') || 1;
    if (page > pageCount) throw new TinyBusinessError(23, ['A página que você está tentando obter não existe'], 2);
    const pedidos = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((order) => ({
      pedido: {
        id: order.id,
        numero: order.numero,
        numero_ecommerce: order.numeroEcommerce ?? '',
        data_pedido: order.dataPedido,
        data_prevista: '',
        nome: text(order.cliente['nome']) ?? '',
        valor: order.totalPedido,
        id_vendedor: 0,
        nome_vendedor: '',
        situacao: TINY_SITUATIONS[order.situacao],
        codigo_rastreamento: order.codigoRastreamento ?? '',
      },
    }));
    return tinyOk({ pagina: String(page), numero_paginas: String(pageCount), pedidos }, 3);
  }

  private changeSituation({ account, params, now }: TinyScriptContext): TinyRetornoBody {
    const order = this.find(account.token, requiredParam(params, 'id'));
    const situacao = requiredParam(params, 'situacao').toLowerCase();
    if (!(situacao in TINY_SITUATIONS)) throw new TinyBusinessError(31, [`Situação inválida: ${situacao}`]);
    this.data.recordOrderChange(account.token, { orderId: order.id, kind: 'situation', by: 'api', value: situacao, previous: order.situacao }, now);
    order.situacao = situacao;
    order.updatedAt = now;
    this.backoffice.situationChanged(account.token, order);
    return { retorno: { status_processamento: '3', status: 'OK' } };
  }

  /** Posts the order's catalogued items out of the first deposit; twice is refused (ASSUMPTION (docs/contracts.md#tiny-pedido-lancar-estoque): code 31). */
  private postStock({ account, params }: TinyScriptContext): TinyRetornoBody {
    const order = this.find(account.token, requiredParam(params, 'id'));
    if (order.estoqueLancado) throw new TinyBusinessError(31, ['O estoque deste pedido já foi lançado']);
    const products = this.data.of(account.token).products;
    for (const item of order.itens) {
      const product = products.find((candidate) => candidate.id === item.idProduto);
      if (!product) continue;
      product.depositos[0].saldo -= Number(item.quantidade);
      this.backoffice.stockChanged(account.token, product);
    }
    order.estoqueLancado = true;
    return { retorno: { status_processamento: 3, status: 'OK' } };
  }

  /**
   * Official page `api2-pedidos-marcadores-incluir` (docs/contracts.md#tiny-marcadores): `idPedido` (an `id` is
   * not read: code 10) and `marcadores` as the list `[{"marcador":{"id"|"descricao"}}]`; the `{"marcadores":[…]}`
   * document one SDK posts is read too. A description that does not exist is created; adding one twice keeps one.
   */
  private addMarkers({ account, params, now }: TinyScriptContext): TinyRetornoBody {
    const idPedido = params['idPedido'];
    if (!idPedido?.trim()) throw new TinyBusinessError(10, ['O parâmetro idPedido não foi informado'], 1);
    const order = this.find(account.token, idPedido);
    const accountData = this.data.of(account.token);
    const descriptions = markerEntries(params).map((marker) => this.markerDescription(accountData.markers, marker));
    if (descriptions.length === 0) throw new TinyBusinessError(31, ['Informe ao menos um marcador (id ou descricao)']);
    for (const description of descriptions) this.data.recordOrderChange(account.token, { orderId: order.id, kind: 'marker', by: 'api', value: description }, now);
    order.marcadores = [...new Set([...(order.marcadores ?? []), ...descriptions])];
    order.updatedAt = now;
    return { retorno: { status_processamento: 3, status: 'OK' } };
  }

  private markerDescription(markers: Map<string, number>, marker: Record<string, unknown>): string {
    const descricao = text(marker['descricao']);
    if (descricao) {
      if (!markers.has(descricao)) markers.set(descricao, this.data.newId());
      return descricao;
    }
    const id = text(marker['id']);
    const known = [...markers.entries()].find(([, markerId]) => String(markerId) === id)?.[0];
    if (!known) throw new TinyBusinessError(31, [`Marcador ${id ?? ''} não encontrado`]);
    return known;
  }

  private registerTracking({ account, params, now }: TinyScriptContext): TinyRetornoBody {
    const order = this.find(account.token, requiredParam(params, 'id'));
    const codigo = requiredParam(params, 'codigoRastreamento');
    const formaEnvio = text(params['formaEnvio'])?.toUpperCase();
    if (formaEnvio && !/^[A-Z]$/.test(formaEnvio)) throw new TinyBusinessError(31, ['formaEnvio inválida']);
    // Official: `transportadora` "is only considered when formaEnvio is T" — otherwise ignored, not an error.
    const transportadora = formaEnvio === 'T' ? text(params['transportadora']) : undefined;
    for (const field of ['volumes', 'pesoBruto', 'pesoLiquido']) {
      if (params[field] !== undefined && decimal(params[field]) === undefined) throw new TinyBusinessError(31, [`campo ${field} deve ser decimal, separado por ponto`]);
    }
    order.codigoRastreamento = codigo;
    order.urlRastreamento = text(params['urlRastreamento']) ?? order.urlRastreamento;
    order.formaEnvio = formaEnvio ?? order.formaEnvio;
    order.formaFrete = text(params['formaFrete']) ?? order.formaFrete;
    order.transportadora = transportadora ?? order.transportadora;
    order.updatedAt = now;
    const expedition = this.backoffice.ensureExpedition(account.token, order);
    expedition.codigoRastreamento = codigo;
    expedition.urlRastreamento = order.urlRastreamento;
    expedition.formaEnvio = order.formaEnvio ?? expedition.formaEnvio;
    this.backoffice.emit({ type: 'tracking', token: account.token, order, expedition });
    return { retorno: { status_processamento: 3, status: 'OK' } };
  }

  private find(token: string, id: string): TinyOrder {
    const order = this.data.of(token).orders.find((candidate) => String(candidate.id) === id.trim());
    if (!order) throw new TinyBusinessError(32, ['Pedido não localizado'], 2);
    return order;
  }
}

function matchesSearch(order: TinyOrder, params: Record<string, string>): boolean {
  const created = parseTinyDate(order.dataPedido) ?? order.createdAt;
  const from = parseTinyDate(params['dataInicial']);
  const to = parseTinyDate(params['dataFinal']);
  const updatedSince = parseTinyDate(params['dataAtualizacao']);
  if (params['numero'] && String(order.numero) !== params['numero'].trim()) return false;
  if (params['numeroEcommerce'] && order.numeroEcommerce !== params['numeroEcommerce'].trim()) return false;
  if (params['situacao'] && order.situacao !== params['situacao'].trim().toLowerCase()) return false;
  if (params['cpf_cnpj'] && digits(order.cliente['cpf_cnpj']) !== digits(params['cpf_cnpj'])) return false;
  if (params['cliente'] && !(text(order.cliente['nome']) ?? '').toLowerCase().includes(params['cliente'].toLowerCase())) return false;
  if (from !== undefined && created < from) return false;
  if (to !== undefined && created >= to + 24 * 3600_000) return false;
  return updatedSince === undefined || order.updatedAt >= updatedSince;
}

function digits(value: unknown): string {
  return (text(value) ?? '').replace(/\D/g, '');
}

/** `nestedOnly`: the marketplace number only in `ecommerce.numeroPedidoEcommerce`, as an SDK's fixture has it. */
function orderDetail(order: TinyOrder, nestedOnly: boolean): Record<string, unknown> {
  const ecommerce = order.ecommerce || (nestedOnly && order.numeroEcommerce)
    ? { id: '1', numeroPedidoEcommerce: order.numeroEcommerce ?? '', nomeEcommerce: order.ecommerce ?? '' }
    : undefined;
  return {
    id: String(order.id),
    numero: String(order.numero),
    ...(nestedOnly ? {} : { numero_ecommerce: order.numeroEcommerce ?? '' }),
    data_pedido: order.dataPedido,
    data_prevista: '',
    data_faturamento: '',
    cliente: { ...order.cliente },
    itens: order.itens.map((item) => ({
      item: {
        id_produto: item.idProduto ? String(item.idProduto) : '',
        codigo: item.codigo,
        descricao: item.descricao,
        unidade: item.unidade,
        quantidade: item.quantidade,
        valor_unitario: item.valorUnitario,
        info_adicional: '',
      },
    })),
    valor_frete: order.valorFrete,
    valor_desconto: '0.00',
    total_produtos: order.totalProdutos,
    total_pedido: order.totalPedido,
    situacao: TINY_SITUATIONS[order.situacao],
    obs: order.obs ?? '',
    obs_interna: '',
    codigo_rastreamento: order.codigoRastreamento ?? '',
    url_rastreamento: order.urlRastreamento ?? '',
    id_nota_fiscal: order.idNotaFiscal ? String(order.idNotaFiscal) : '0',
    forma_envio: order.formaEnvio ?? '',
    forma_frete: order.formaFrete ?? '',
    nome_transportador: order.transportadora ?? '',
    ecommerce,
    marcadores: (order.marcadores ?? []).map((descricao) => ({ marcador: { descricao } })),
  };
}

/** `marcadores` as the official bare list, or wrapped in `{"marcadores":[…]}`; each `{"marcador":{…}}`. */
function markerEntries(params: Record<string, string>): Record<string, unknown>[] {
  const raw = params['marcadores'];
  if (raw === undefined || raw.trim() === '') throw new TinyBusinessError(10, ['O parâmetro marcadores não foi informado'], 1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new TinyBusinessError(3, ['JSON mal formado ou inválido'], 1);
  }
  const list = Array.isArray(parsed) ? parsed : isRecord(parsed) && Array.isArray(parsed['marcadores']) ? parsed['marcadores'] : [];
  return list.flatMap((entry: unknown) => (isRecord(entry) && isRecord(entry['marcador']) ? [entry['marcador']] : []));
}
