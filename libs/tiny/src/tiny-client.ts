import { OPEN_GATE, type CallGate } from '@hub/budget';
import { mapTinyAccountInfo, type TinyAccountInfo } from './tiny-account.models';
import { TinyApiError } from './tiny-api.error';
import { toDecimalString, toInt, toText, unwrapList } from './tiny-coercion';
import { formatTinyDate, formatTinyDateTime } from './tiny-date';
import { assertTinyOk, parseRegistros, parseTinyEnvelope, type TinyEnvelope } from './tiny-envelope.parser';
import {
  mapTinyOrder,
  mapTinyOrderSummary,
  toTinyOrderDocument,
  type TinyOrder,
  type TinyOrderDraft,
  type TinyOrderSearch,
  type TinyOrderSearchPage,
  type TinyOrderSummary,
} from './tiny-order.models';
import type { TinyOrderSituation } from './tiny-situation';
import {
  mapTinyProductStock,
  mapTinyProductSummary,
  toTinyStockDocument,
  type TinyProductStock,
  type TinyProductSummary,
  type TinyStockUpdate,
  type TinyStockUpdateResult,
} from './tiny-stock.models';

export interface TinyClientOptions {
  /** e.g. `https://api.tiny.com.br/api2` or `http://127.0.0.1:3100/tiny/api2`. */
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** The account's shared API budget; every call waits for its slot there. Absent: calls go straight out. */
  gate?: CallGate;
}

/** What the last answer said about the account's plan (`x-limit-api` is sent on every response). */
export interface TinyRateLimitHint {
  limitPerMinute: number;
  /** Tiny's rule of thumb: at most a quarter of the minute limit in flight. */
  maxConcurrent: number;
  observedAt: Date;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export class TinyClient {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly gate: CallGate;
  private limitHint?: TinyRateLimitHint;

  constructor(options: TinyClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? fetch;
    this.gate = options.gate ?? OPEN_GATE;
  }

  get lastRateLimitHint(): TinyRateLimitHint | undefined {
    return this.limitHint;
  }

  async getAccountInfo(): Promise<TinyAccountInfo> {
    const envelope = await this.call('info.php');
    const info = mapTinyAccountInfo(envelope.retorno);
    if (!info) throw unexpected('info.php', 'unexpected conta shape');
    return info;
  }

  /** One order per call; a duplicate answers kind `duplicate` (code 30) — search by e-commerce number first. */
  async createOrder(draft: TinyOrderDraft): Promise<{ id: string; number: string }> {
    const script = 'pedido.incluir.php';
    const envelope = await this.call(script, { pedido: toTinyOrderDocument(draft) });
    const registro = parseRegistros(envelope.retorno['registros'])[0];
    if (!registro?.id) throw unexpected(script, 'no registro id');
    return { id: registro.id, number: toText(registro.fields['numero']) ?? '' };
  }

  async getOrder(id: string): Promise<TinyOrder> {
    const envelope = await this.call('pedido.obter.php', { id });
    const order = mapTinyOrder(envelope.retorno['pedido']);
    if (!order) throw unexpected('pedido.obter.php', 'unexpected pedido shape');
    return order;
  }

  /** Code 20 (no hits) is an empty page here, not an error. Results are fuzzy: filter exact fields yourself. */
  async searchOrders(search: TinyOrderSearch): Promise<TinyOrderSearchPage> {
    const page = search.page ?? 1;
    try {
      const envelope = await this.call('pedidos.pesquisa.php', {
        numero: search.number,
        numeroEcommerce: search.ecommerceOrderNumber,
        situacao: search.situation,
        cpf_cnpj: search.customerDocument,
        dataInicial: search.createdFrom ? formatTinyDate(search.createdFrom) : undefined,
        dataFinal: search.createdTo ? formatTinyDate(search.createdTo) : undefined,
        dataAtualizacao: search.updatedSince ? formatTinyDateTime(search.updatedSince) : undefined,
        pagina: String(page),
        sort: search.sort,
      });
      const orders = unwrapList(envelope.retorno['pedidos'], 'pedido')
        .map(mapTinyOrderSummary)
        .filter((order): order is TinyOrderSummary => order !== undefined);
      return { page: toInt(envelope.retorno['pagina']) ?? page, pageCount: toInt(envelope.retorno['numero_paginas']) ?? 1, orders };
    } catch (error: unknown) {
      if (error instanceof TinyApiError && error.kind === 'empty') return { page, pageCount: 0, orders: [] };
      throw error;
    }
  }

  /** The official URL has no `.php` suffix for this service. */
  async changeOrderSituation(id: string, situation: TinyOrderSituation): Promise<void> {
    await this.call('pedido.alterar.situacao', { id, situacao: situation });
  }

  async getProductStock(productId: string): Promise<TinyProductStock> {
    const envelope = await this.call('produto.obter.estoque.php', { id: productId });
    const stock = mapTinyProductStock(envelope.retorno['produto']);
    if (!stock) throw unexpected('produto.obter.estoque.php', 'unexpected produto shape');
    return stock;
  }

  async updateProductStock(update: TinyStockUpdate): Promise<TinyStockUpdateResult> {
    const envelope = await this.call('produto.atualizar.estoque.php', { estoque: toTinyStockDocument(update) });
    const registro = parseRegistros(envelope.retorno['registros'])[0];
    return {
      balance: registro ? toDecimalString(registro.fields['saldoEstoque']) : undefined,
      reserved: registro ? toDecimalString(registro.fields['saldoReservado']) : undefined,
      movementCreated: typeof registro?.fields['registroCriado'] === 'boolean' ? registro.fields['registroCriado'] : undefined,
    };
  }

  /** Fuzzy search by name or code; pass `exactSku` to keep only the product whose code is exactly that SKU. */
  async searchProducts(term: string, options: { exactSku?: boolean; page?: number } = {}): Promise<TinyProductSummary[]> {
    try {
      const envelope = await this.call('produtos.pesquisa.php', { pesquisa: term, pagina: String(options.page ?? 1) });
      const products = unwrapList(envelope.retorno['produtos'], 'produto')
        .map(mapTinyProductSummary)
        .filter((product): product is TinyProductSummary => product !== undefined);
      return options.exactSku ? products.filter((product) => product.sku === term) : products;
    } catch (error: unknown) {
      if (error instanceof TinyApiError && error.kind === 'empty') return [];
      throw error;
    }
  }

  /**
   * POSTs one script with the token, `formato=json` and the given fields (write payloads are one field
   * holding a JSON document). Returns the envelope of a successful answer; any other outcome throws.
   */
  async call(script: string, fields: Record<string, string | undefined> = {}): Promise<TinyEnvelope> {
    return this.gate.run(
      { label: script, cost: isBatchScript(script) ? 'batch' : 'call', blockOf: tinyBlockOf, observedLimitPerMinute: () => this.limitHint?.limitPerMinute },
      () => this.callNow(script, fields),
    );
  }

  private async callNow(script: string, fields: Record<string, string | undefined>): Promise<TinyEnvelope> {
    const form = new URLSearchParams({ token: this.token, formato: 'json' });
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) form.set(key, value);
    const response = await this.send(script, form);
    this.readLimitHeader(response);
    const text = await response.text();
    if (response.status === 404) {
      throw new TinyApiError({ kind: 'request', script, httpStatus: 404, messages: [{ erro: 'script not found' }] });
    }
    if (response.status === 429) throw new TinyApiError({ kind: 'rate-limited', script, httpStatus: 429 });
    if (response.status >= 400) throw new TinyApiError({ kind: 'transient', script, httpStatus: response.status });
    return assertTinyOk(parseTinyEnvelope(parseJson(text, script), script), script);
  }

  private async send(script: string, form: URLSearchParams): Promise<Response> {
    try {
      return await this.fetchImpl(`${this.baseUrl}/${script}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error: unknown) {
      // A timeout on a write is ambiguous (Tiny may have committed it); callers must reconcile before retrying.
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new TinyApiError({ kind: 'transient', script, messages: [{ erro: timedOut ? 'timeout' : 'network error' }], cause: error });
    }
  }

  private readLimitHeader(response: Response): void {
    const limitPerMinute = toInt(response.headers.get('x-limit-api') ?? undefined);
    if (limitPerMinute === undefined || limitPerMinute <= 0) return;
    this.limitHint = { limitPerMinute, maxConcurrent: Math.max(1, Math.floor(limitPerMinute / 4)), observedAt: new Date() };
  }

  /**
   * Like `call`, through the same budget gate, for the few services that answer XML whatever `formato`
   * says (nota.fiscal.obter.xml). Errors come as the XML `retorno` or, for blocks and token errors, as the
   * JSON envelope; both throw. Returns the raw body.
   */
  async callText(script: string, fields: Record<string, string | undefined> = {}): Promise<string> {
    return this.gate.run(
      { label: script, cost: isBatchScript(script) ? 'batch' : 'call', blockOf: tinyBlockOf, observedLimitPerMinute: () => this.limitHint?.limitPerMinute },
      () => this.callTextNow(script, fields),
    );
  }

  private async callTextNow(script: string, fields: Record<string, string | undefined>): Promise<string> {
    const form = new URLSearchParams({ token: this.token, formato: 'json' });
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) form.set(key, value);
    const response = await this.send(script, form);
    this.readLimitHeader(response);
    const text = await response.text();
    if (response.status === 404) throw new TinyApiError({ kind: 'request', script, httpStatus: 404, messages: [{ erro: 'script not found' }] });
    if (response.status >= 400) throw new TinyApiError({ kind: response.status === 429 ? 'rate-limited' : 'transient', script, httpStatus: response.status });
    if (text.trimStart().startsWith('{')) assertTinyOk(parseTinyEnvelope(parseJson(text, script), script), script);
    else assertTinyOk(parseXmlEnvelope(text, script), script);
    return text;
  }
}

/** The XML `retorno` has the same status fields as the JSON one. */
function parseXmlEnvelope(xml: string, script: string): TinyEnvelope {
  const element = (name: string): string | undefined => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1]?.trim();
  const status = element('status');
  if (status === undefined) throw new TinyApiError({ kind: 'transient', script, messages: [{ erro: 'response has no retorno envelope' }] });
  const erros = [...xml.matchAll(/<erro>([\s\S]*?)<\/erro>/g)].map((match) => ({ erro: match[1].trim() }));
  const statusProcessamento = toInt(element('status_processamento'));
  const codigoErro = toInt(element('codigo_erro'));
  return { status, statusProcessamento, codigoErro, erros, retorno: {} };
}

/** Services Tiny always counts as batch calls (5 a minute), whatever the number of records. */
const BATCH_SCRIPTS = /^(contato|produto|tag|grupo\.tag)\.(incluir|alterar)(\.php)?$/;

export function isBatchScript(script: string): boolean {
  return BATCH_SCRIPTS.test(script);
}

/** Code 6 (minute exceeded) and 11 (too many at once) pause the account; they are never a job's failure. */
export function tinyBlockOf(error: unknown): { pauseMs: number; reason: string } | undefined {
  if (!(error instanceof TinyApiError)) return undefined;
  // The first pause is short (our own budget keeps within the limit, so a block is someone else's burst); the
  // budget doubles it while blocks repeat.
  if (error.kind === 'rate-limited') return { pauseMs: 2_000, reason: 'Tiny: too many calls in the last minute' };
  if (error.kind === 'concurrency-limited') return { pauseMs: 2_000, reason: 'Tiny: too many concurrent calls' };
  return undefined;
}

function unexpected(script: string, detail: string): TinyApiError {
  return new TinyApiError({ kind: 'transient', script, messages: [{ erro: detail }] });
}

function parseJson(text: string, script: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error: unknown) {
    throw new TinyApiError({ kind: 'transient', script, messages: [{ erro: 'malformed JSON body' }], cause: error });
  }
}
