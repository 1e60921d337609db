import { TinyApiError } from './tiny-api.error';
import { assertBatchSize, batchResultsOf, type TinyBatchRecordResult } from './tiny-batch';
import type { TinyClient } from './tiny-client';
import { toInt, unwrapList } from './tiny-coercion';
import { formatTinyDateTime } from './tiny-date';
import {
  mapTinyPriceList,
  mapTinyProduct,
  mapTinyStockUpdateRecord,
  toTinyPricesDocument,
  toTinyProductsDocument,
  type TinyPriceList,
  type TinyPriceUpdate,
  type TinyProduct,
  type TinyProductDraft,
  type TinyStockUpdateRecord,
} from './tiny-product.models';

/** Safety stop for draining the consume-once stock queue (each read removes up to 100 records). */
const MAX_STOCK_UPDATE_PAGES = 100;

/** Products (`produto.*`, prices, price lists, the stock-change queue). Product writes are batch calls: 5/min. */
export class TinyProductsApi {
  constructor(private readonly client: TinyClient) {}

  /**
   * ≤ 20 records; variations become products of their own (ids via `getProduct` on the parent). One result per
   * record, even when every record failed (each with its own code); other failures throw.
   */
  async createProducts(drafts: TinyProductDraft[]): Promise<TinyBatchRecordResult[]> {
    assertBatchSize('produto.incluir.php', drafts.length);
    return this.batch('produto.incluir.php', toTinyProductsDocument(drafts, true));
  }

  async updateProducts(drafts: TinyProductDraft[]): Promise<TinyBatchRecordResult[]> {
    assertBatchSize('produto.alterar.php', drafts.length);
    return this.batch('produto.alterar.php', toTinyProductsDocument(drafts, false));
  }

  private async batch(script: string, document: string): Promise<TinyBatchRecordResult[]> {
    return batchResultsOf(this.client.call(script, { produto: document }));
  }

  async getProduct(id: string): Promise<TinyProduct> {
    const envelope = await this.client.call('produto.obter.php', { id });
    const product = mapTinyProduct(envelope.retorno['produto']);
    if (!product) throw new TinyApiError({ kind: 'transient', script: 'produto.obter.php', messages: [{ erro: 'unexpected produto shape' }] });
    return product;
  }

  /**
   * One result per item; Tiny answers status 4 "Parcial" when only some were applied. Sent as the `precos`
   * field holding `{"precos":[…]}` (integrators post that document as the body or as a field).
   */
  async updatePrices(updates: TinyPriceUpdate[]): Promise<TinyBatchRecordResult[]> {
    if (updates.length === 0) return [];
    return batchResultsOf(this.client.call('produto.atualizar.precos.php', { precos: toTinyPricesDocument(updates) }));
  }

  async searchPriceLists(text?: string): Promise<TinyPriceList[]> {
    try {
      const envelope = await this.client.call('listas.precos.pesquisa.php', { pesquisa: text });
      return unwrapList(envelope.retorno['registros'], 'registro')
        .map(mapTinyPriceList)
        .filter((list): list is TinyPriceList => list !== undefined);
    } catch (error: unknown) {
      if (error instanceof TinyApiError && error.kind === 'empty') return [];
      throw error;
    }
  }

  /**
   * The product whose code is exactly `code` (Tiny's search is fuzzy: by name or partial code, so hits are
   * post-filtered), or undefined. Deleted products (`E`) are not searched.
   */
  async findProductByCode(code: string): Promise<{ id: string; code: string } | undefined> {
    // The client's search (100 per page) post-filtered here, over a few pages: a short code matches many longer ones.
    for (let page = 1; page <= 5; page += 1) {
      const hits = await this.client.searchProducts(code, { page });
      const found = hits.find((product) => product.sku === code);
      if (found) return { id: found.id, code };
      if (hits.length < 100) return undefined;
    }
    return undefined;
  }

  /**
   * One read of `lista.atualizacoes.estoque`. Tiny removes what it returns (consume once), so persist the
   * records before acknowledging anything upstream: a crash after this call loses them.
   */
  async readStockUpdates(since: Date): Promise<{ records: TinyStockUpdateRecord[]; remainingPages: number }> {
    try {
      const envelope = await this.client.call('lista.atualizacoes.estoque', { dataAlteracao: formatTinyDateTime(since), pagina: '1' });
      const records = unwrapList(envelope.retorno['produtos'], 'produto')
        .map(mapTinyStockUpdateRecord)
        .filter((record): record is TinyStockUpdateRecord => record !== undefined);
      return { records, remainingPages: Math.max(0, (toInt(envelope.retorno['numero_paginas']) ?? 1) - 1) };
    } catch (error: unknown) {
      if (error instanceof TinyApiError && error.kind === 'empty') return { records: [], remainingPages: 0 };
      throw error;
    }
  }

  /** Reads page 1 until the queue is empty (pages shift as records are consumed). */
  async drainStockUpdates(since: Date, onRecords: (records: TinyStockUpdateRecord[]) => Promise<void>): Promise<number> {
    let total = 0;
    for (let page = 0; page < MAX_STOCK_UPDATE_PAGES; page += 1) {
      const { records, remainingPages } = await this.readStockUpdates(since);
      if (records.length > 0) await onRecords(records);
      total += records.length;
      if (remainingPages === 0) break;
    }
    return total;
  }
}
