import { TinyApiError } from './tiny-api.error';
import type { TinyClient } from './tiny-client';
import { toInt, toText, unwrapList } from './tiny-coercion';
import { formatTinyDate } from './tiny-date';
import {
  mapTinyExpedition,
  mapTinyInvoice,
  mapTinyInvoiceSummary,
  type TinyDispatchUpdate,
  type TinyExpedition,
  type TinyExpeditionRef,
  type TinyExpeditionSearch,
  type TinyInvoice,
  type TinyInvoiceLocator,
  type TinyInvoiceSearch,
  type TinyInvoiceSearchPage,
  type TinyInvoiceSummary,
  type TinyOrderMarker,
} from './tiny-fiscal.models';

/** After the sale: stock posting, dispatch/tracking, invoices (NF-e) and expeditions. */
export class TinyFulfilmentApi {
  constructor(private readonly client: TinyClient) {}

  /** Posts the order's items out of stock; posting twice is refused by Tiny (validation). */
  async postOrderStock(orderId: string): Promise<void> {
    await this.client.call('pedido.lancar.estoque.php', { id: orderId });
  }

  /**
   * "Atualizar informações de despacho" (contracts.md#tiny-despacho). Tiny considers `transportadora` only when
   * `formaEnvio` is `T` and ignores it otherwise, so it is sent only then: what is sent is what Tiny keeps.
   */
  async registerDispatch(update: TinyDispatchUpdate): Promise<void> {
    await this.client.call('cadastrar.codigo.rastreamento.pedido.php', {
      id: update.orderId,
      codigoRastreamento: update.trackingCode,
      urlRastreamento: update.trackingUrl,
      formaEnvio: update.shippingMethod,
      formaFrete: update.freightService,
      transportadora: update.shippingMethod === 'T' ? update.carrier : undefined,
      volumes: update.volumes !== undefined ? String(update.volumes) : undefined,
      pesoBruto: update.grossWeightKg,
    });
  }

  /**
   * Adds markers to an order (official page `api2-pedidos-marcadores-incluir`, URL without `.php`): `idPedido`
   * and `marcadores` as the list `[{"marcador":{"descricao"}}]` or `{"marcador":{"id"}}`; a description that
   * does not exist yet is created by Tiny (contracts.md#tiny-marcadores).
   */
  async addOrderMarkers(orderId: string, markers: TinyOrderMarker[]): Promise<void> {
    if (markers.length === 0) return;
    const marcadores = markers.map((marker) => ({ marcador: 'id' in marker ? { id: marker.id } : { descricao: marker.description } }));
    await this.client.call('pedido.marcadores.incluir', { idPedido: orderId, marcadores: JSON.stringify(marcadores) });
  }

  async getInvoice(id: string): Promise<TinyInvoice> {
    const envelope = await this.client.call('nota.fiscal.obter.php', { id });
    const invoice = mapTinyInvoice(envelope.retorno['nota_fiscal']);
    if (!invoice) throw unexpected('nota.fiscal.obter.php', 'unexpected nota_fiscal shape');
    return invoice;
  }

  /**
   * The Tiny id of the invoice a locator names (contracts.md#tiny-nota-fiscal): its id; else the order's
   * `id_nota_fiscal` (`pedido.obter`), when it is the invoice named (an order re-invoiced names only its latest, so
   * with a number or key known that invoice is read and checked); else `notas.fiscais.pesquisa` by number (or by
   * e-commerce number), keeping only the invoice whose number, series and access key match what is known.
   * Undefined when none matches yet.
   */
  async findInvoiceId(locator: TinyInvoiceLocator): Promise<string | undefined> {
    if (locator.invoiceId) return locator.invoiceId;
    if (locator.orderId) {
      const fromOrder = await this.invoiceIdOfOrder(locator.orderId);
      if (fromOrder && (!(locator.number || locator.accessKey) || matchesLocator(await this.getInvoice(fromOrder), locator))) return fromOrder;
    }
    if (!locator.number && !locator.ecommerceOrderNumber) return undefined;
    const { invoices } = await this.searchInvoices(locator.number ? { number: locator.number } : { ecommerceOrderNumber: locator.ecommerceOrderNumber });
    return invoices.find((invoice) => matchesLocator(invoice, locator))?.id;
  }

  private async invoiceIdOfOrder(orderId: string): Promise<string | undefined> {
    try {
      return (await this.client.getOrder(orderId)).invoiceId;
    } catch (error: unknown) {
      if (error instanceof TinyApiError && error.kind === 'not-found') return undefined;
      throw error;
    }
  }

  /** The DANFE/view URL (`retorno.link_nfe`). */
  async getInvoiceLink(id: string): Promise<string> {
    const envelope = await this.client.call('nota.fiscal.obter.link.php', { id });
    const link = toText(envelope.retorno['link_nfe']);
    if (!link) throw unexpected('nota.fiscal.obter.link.php', 'no link_nfe');
    return link;
  }

  /** The authorised NF-e XML (`<nfeProc>…`); this service answers XML whatever `formato` says. */
  async getInvoiceXml(id: string): Promise<string> {
    const script = 'nota.fiscal.obter.xml.php';
    const body = await this.client.callText(script, { id });
    const match = /<xml_nfe>([\s\S]*)<\/xml_nfe>/.exec(body);
    if (!match) throw unexpected(script, 'no xml_nfe element');
    return match[1].trim();
  }

  async searchInvoices(search: TinyInvoiceSearch): Promise<TinyInvoiceSearchPage> {
    const page = search.page ?? 1;
    try {
      const envelope = await this.client.call('notas.fiscais.pesquisa.php', {
        tipoNota: search.type,
        numero: search.number,
        numeroEcommerce: search.ecommerceOrderNumber,
        cpf_cnpj: search.customerDocument,
        situacao: search.situation !== undefined ? String(search.situation) : undefined,
        dataInicial: search.issuedFrom ? formatTinyDate(search.issuedFrom) : undefined,
        dataFinal: search.issuedTo ? formatTinyDate(search.issuedTo) : undefined,
        pagina: String(page),
      });
      const invoices = unwrapList(envelope.retorno['notas_fiscais'], 'nota_fiscal')
        .map(mapTinyInvoiceSummary)
        .filter((invoice): invoice is TinyInvoiceSummary => invoice !== undefined);
      return { page: toInt(envelope.retorno['pagina']) ?? page, pageCount: toInt(envelope.retorno['numero_paginas']) ?? 1, invoices };
    } catch (error: unknown) {
      if (error instanceof TinyApiError && error.kind === 'empty') return { page, pageCount: 0, invoices: [] };
      throw error;
    }
  }

  async getExpedition(ref: TinyExpeditionRef): Promise<TinyExpedition> {
    const fields =
      'expeditionId' in ref
        ? { idExpedicao: ref.expeditionId }
        : 'orderId' in ref
          ? { idObjeto: ref.orderId, tipoObjeto: 'venda' }
          : { idObjeto: ref.invoiceId, tipoObjeto: 'notafiscal' };
    const envelope = await this.client.call('expedicao.obter.php', fields);
    const expedition = mapTinyExpedition(envelope.retorno['expedicao']);
    if (!expedition) throw unexpected('expedicao.obter.php', 'unexpected expedicao shape');
    return expedition;
  }

  async searchExpeditions(search: TinyExpeditionSearch): Promise<{ page: number; pageCount: number; expeditions: TinyExpedition[] }> {
    const page = search.page ?? 1;
    try {
      const envelope = await this.client.call('expedicao.pesquisa.php', {
        formaEnvio: search.shippingMethod,
        dataInicial: search.from ? formatTinyDate(search.from) : undefined,
        dataFinal: search.to ? formatTinyDate(search.to) : undefined,
        incluirAgrupadas: search.includeGrouped === undefined ? undefined : search.includeGrouped ? 'S' : 'N',
        incluirNaoDefinidas: search.includeUndefined === undefined ? undefined : search.includeUndefined ? 'S' : 'N',
        pagina: String(page),
      });
      const expeditions = unwrapList(envelope.retorno['expedicoes'], 'expedicao')
        .map(mapTinyExpedition)
        .filter((expedition): expedition is TinyExpedition => expedition !== undefined);
      return { page: toInt(envelope.retorno['pagina']) ?? page, pageCount: toInt(envelope.retorno['numero_paginas']) ?? 1, expeditions };
    } catch (error: unknown) {
      if (error instanceof TinyApiError && error.kind === 'empty') return { page, pageCount: 0, expeditions: [] };
      throw error;
    }
  }
}

function matchesLocator(invoice: TinyInvoiceSummary, locator: TinyInvoiceLocator): boolean {
  if (locator.accessKey && invoice.accessKey && invoice.accessKey !== locator.accessKey) return false;
  if (locator.number && invoice.number.replace(/^0+/, '') !== locator.number.replace(/^0+/, '')) return false;
  if (locator.series && invoice.series && invoice.series.replace(/^0+/, '') !== locator.series.replace(/^0+/, '')) return false;
  return Boolean(locator.accessKey || locator.number);
}

function unexpected(script: string, detail: string): TinyApiError {
  return new TinyApiError({ kind: 'transient', script, messages: [{ erro: detail }] });
}
