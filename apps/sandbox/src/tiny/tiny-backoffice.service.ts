import { Inject, Injectable } from '@nestjs/common';
import { SANDBOX_CONFIG, type SandboxConfig } from '../sandbox.config';
import {
  TinyDataStore,
  type TinyExpedition,
  type TinyGrouping,
  type TinyInvoice,
  type TinyOrder,
  type TinyProduct,
} from './tiny-data.store';
import { TinyBusinessError } from './tiny-retorno';
import { tinyDate } from './tiny-wire';

/** Something that happened in Tiny that its outbound notifications may report. */
export type TinyBackofficeEvent =
  | { type: 'stock'; token: string; product: TinyProduct }
  | { type: 'price'; token: string; product: TinyProduct }
  /** A product (with its variations) created or changed through the API or the seller's screens. */
  | { type: 'product'; token: string; product: TinyProduct }
  | { type: 'invoice'; token: string; invoice: TinyInvoice; order?: TinyOrder }
  | { type: 'tracking'; token: string; order: TinyOrder; expedition: TinyExpedition }
  | { type: 'situation'; token: string; order: TinyOrder; created: boolean };

type Listener = (event: TinyBackofficeEvent) => void;

/**
 * What a seller does in Tiny's screens (and what API writes cause): stock and price changes, invoice
 * issue, expedition groupings. Scripts and the control API both go through here, so every change can be
 * reported by the outbound notifications.
 */
@Injectable()
export class TinyBackofficeService {
  private readonly listeners: Listener[] = [];

  constructor(
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
    private readonly data: TinyDataStore,
  ) {}

  onEvent(listener: Listener): void {
    this.listeners.push(listener);
  }

  emit(event: TinyBackofficeEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  stockChanged(token: string, product: TinyProduct): void {
    const now = this.config.now();
    product.updatedAt = now;
    this.data.of(token).pendingStockUpdates.set(product.id, now);
    this.emit({ type: 'stock', token, product });
  }

  priceChanged(token: string, product: TinyProduct): void {
    product.updatedAt = this.config.now();
    this.emit({ type: 'price', token, product });
  }

  productChanged(token: string, product: TinyProduct): void {
    product.updatedAt = this.config.now();
    this.emit({ type: 'product', token, product });
  }

  situationChanged(token: string, order: TinyOrder, created = false): void {
    order.updatedAt = this.config.now();
    this.emit({ type: 'situation', token, order, created });
  }

  /** Issues and authorises an NF-e for an order: 44-digit key, DANFE link, order moves to "faturado". */
  issueInvoice(token: string, order: TinyOrder, cnpj: string): TinyInvoice {
    const accountData = this.data.of(token);
    if (order.idNotaFiscal) throw new TinyBusinessError(30, ['O pedido já possui nota fiscal']);
    const now = this.config.now();
    const numero = String(accountData.nextInvoiceNumber++);
    const invoice: TinyInvoice = {
      id: this.data.newId(),
      tipo: 'S',
      serie: '1',
      numero,
      idVenda: order.id,
      numeroEcommerce: order.numeroEcommerce,
      chaveAcesso: accessKey(cnpj, numero, now),
      linkHash: Buffer.from(`${token}:${numero}`).toString('hex').slice(0, 32),
      situacao: 6,
      dataEmissao: tinyDate(now),
      valorNota: order.totalPedido,
      cliente: order.cliente,
      createdAt: now,
    };
    accountData.invoices.push(invoice);
    order.idNotaFiscal = invoice.id;
    this.data.recordOrderChange(token, { orderId: order.id, kind: 'situation', by: 'seller', value: 'faturado', previous: order.situacao }, now);
    order.situacao = 'faturado';
    this.ensureExpedition(token, order);
    this.emit({ type: 'invoice', token, invoice, order });
    this.situationChanged(token, order);
    return invoice;
  }

  /**
   * The seller cancels an authorised NF-e (situation 3). ASSUMPTION (docs/contracts.md#tiny-sandbox-invoice-cancel): Tiny notifies it with another `nota_fiscal`
   * (nothing public says either way); the notification carries no situation, so a receiver reads the invoice.
   */
  cancelInvoice(token: string, invoice: TinyInvoice): void {
    if (invoice.situacao === 3) throw new TinyBusinessError(31, ['A nota fiscal já está cancelada']);
    invoice.situacao = 3;
    const order = this.data.of(token).orders.find((candidate) => candidate.id === invoice.idVenda);
    if (order) this.emit({ type: 'invoice', token, invoice, order });
  }

  ensureExpedition(token: string, order: TinyOrder): TinyExpedition {
    const accountData = this.data.of(token);
    const existing = accountData.expeditions.find((expedition) => expedition.idObjeto === order.id);
    if (existing) return existing;
    const now = this.config.now();
    const expedition: TinyExpedition = {
      id: this.data.newId(),
      idObjeto: order.id,
      tipoObjeto: 'venda',
      identificacao: String(order.numero),
      formaEnvio: order.formaEnvio ?? 'C',
      transportadora: order.transportadora,
      dataEmissao: tinyDate(now),
      createdAt: now,
    };
    accountData.expeditions.push(expedition);
    return expedition;
  }

  /**
   * The seller picks the order's shipping method and carrier in Tiny's screen, also on an expedition already grouped.
   * ASSUMPTION (docs/contracts.md#tiny-rastreio): Tiny sends no notification for it (no `rastreio` without a tracking change is documented).
   */
  setCarrier(token: string, order: TinyOrder, formaEnvio: string, transportadora: string): void {
    order.formaEnvio = formaEnvio;
    order.transportadora = transportadora;
    order.updatedAt = this.config.now();
    const expedition = this.data.of(token).expeditions.find((candidate) => candidate.idObjeto === order.id);
    if (expedition) {
      expedition.formaEnvio = formaEnvio;
      expedition.transportadora = transportadora;
    }
  }

  /** A grouping holds expeditions of one shipping method: a PLP for Correios, a coleta for carriers. */
  createGrouping(token: string, orders: TinyOrder[], formaEnvio: string, transportadora?: string): TinyGrouping {
    const accountData = this.data.of(token);
    const expeditions = orders.map((order) => {
      order.formaEnvio = formaEnvio;
      order.transportadora = transportadora ?? order.transportadora;
      const expedition = this.ensureExpedition(token, order);
      if (expedition.idAgrupamento) throw new TinyBusinessError(31, [`A expedição ${expedition.id} já está em um agrupamento`]);
      expedition.formaEnvio = formaEnvio;
      expedition.transportadora = transportadora;
      return expedition;
    });
    const grouping: TinyGrouping = {
      id: this.data.newId(),
      formaEnvio,
      tipo: formaEnvio.toUpperCase() === 'C' ? 'plp' : 'coleta',
      transportadora,
      idsExpedicao: expeditions.map((expedition) => expedition.id),
      concluido: false,
      createdAt: this.config.now(),
    };
    for (const expedition of expeditions) expedition.idAgrupamento = grouping.id;
    accountData.groupings.push(grouping);
    return grouping;
  }

  /** Concluding assigns tracking codes (Correios-style for a PLP) and reports them per order. */
  concludeGrouping(token: string, grouping: TinyGrouping): void {
    const accountData = this.data.of(token);
    if (grouping.concluido) throw new TinyBusinessError(31, ['O agrupamento já foi concluído']);
    grouping.concluido = true;
    grouping.concludedAt = this.config.now();
    for (const expeditionId of grouping.idsExpedicao) {
      const expedition = accountData.expeditions.find((candidate) => candidate.id === expeditionId);
      const order = expedition ? accountData.orders.find((candidate) => candidate.id === expedition.idObjeto) : undefined;
      if (!expedition || !order) continue;
      const code = grouping.tipo === 'plp' ? `QB${String(expedition.id).slice(-9).padStart(9, '0')}BR` : `TR${expedition.id}`;
      expedition.codigoRastreamento = code;
      expedition.urlRastreamento =
        grouping.tipo === 'plp' ? `https://rastreamento.correios.com.br/app/index.php?objetos=${code}` : `https://transportadora.example/rastreio/${code}`;
      order.codigoRastreamento = expedition.codigoRastreamento;
      order.urlRastreamento = expedition.urlRastreamento;
      order.updatedAt = this.config.now();
      this.emit({ type: 'tracking', token, order, expedition });
    }
  }
}

/** NF-e access key: UF(2) AAMM(4) CNPJ(14) modelo 55 serie(3) numero(9) tpEmis(1) codigo(8) DV(1) = 44 digits. */
function accessKey(cnpj: string, numero: string, now: number): string {
  const date = new Date(now - 3 * 3600_000);
  const yymm = `${String(date.getUTCFullYear()).slice(2)}${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
  const emitter = cnpj.replace(/\D/g, '').padStart(14, '0').slice(-14);
  const body = `35${yymm}${emitter}55001${numero.padStart(9, '0')}1${String(now % 1e8).padStart(8, '0')}`;
  return `${body}${modulo11(body)}`;
}

function modulo11(digitsText: string): number {
  let weight = 2;
  let sum = 0;
  for (let index = digitsText.length - 1; index >= 0; index -= 1) {
    sum += Number(digitsText[index]) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
}
