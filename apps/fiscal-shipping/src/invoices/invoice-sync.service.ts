import { Inject, Injectable, Logger } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { NotificationUrlError } from '@hub/ideris';
import { counter } from '@hub/platform';
import { TinyApiError, TinyFulfilmentApi } from '@hub/tiny';
import type { FailurePolicy } from '@hub/work';
import { OrderBindingRepository, type OrderBinding } from '../bindings/order-binding.repository';
import { ConnectionClients } from '@hub/integrations';
import { fiscalFailures, FISCAL_SHIPPING_OPTIONS, recheckDelay, unconfirmedSendRecheckAt, type FiscalShippingOptions } from '../fiscal-shipping.options';
import { IderisDeliveries } from '../delivery/ideris-delivery';
import { InvoiceCancellationService } from './invoice-cancellation.service';
import { CANCELLED, invoiceForIderis, invoiceStanding, situationLabel } from './domain/invoice-standing';
import { INVOICE_FINAL_STATES, InvoiceSyncRepository, type InvoiceSyncRow } from './invoice-sync.repository';

const outcomes = counter('hub_fiscal_invoices_total', 'Invoice outcomes: sent, cancellation_reported, duplicate, refused, failed, waiting_binding, waiting_authorisation, waiting_configuration, busy', ['outcome']);

export type InvoiceProcessOutcome = 'sent' | 'cancellation_reported' | 'duplicate' | 'refused' | 'failed' | 'waiting_binding' | 'waiting_authorisation' | 'waiting_configuration' | 'busy';

/**
 * Sends one Tiny invoice to its Ideris order, once: the row is claimed by one worker, the invoice is read
 * from Tiny (a cancelled or denied one is recorded and never sent as valid), and the state `sent` with
 * Ideris's answer closes it. A later notification of the same invoice finds it sent and does nothing.
 */
@Injectable()
export class InvoiceSyncService {
  private readonly logger = new Logger(InvoiceSyncService.name);
  private readonly failures: FailurePolicy;

  constructor(
    private readonly invoices: InvoiceSyncRepository,
    private readonly bindings: OrderBindingRepository,
    private readonly clients: ConnectionClients,
    private readonly deliveries: IderisDeliveries,
    private readonly cancellations: InvoiceCancellationService,
    @Inject(FISCAL_SHIPPING_OPTIONS) private readonly options: FiscalShippingOptions,
  ) {
    this.failures = fiscalFailures(options).invoice;
  }

  async process(row: InvoiceSyncRow, trigger: string): Promise<InvoiceProcessOutcome> {
    if (row.state === 'sent' && this.cancellations.worthALook(row, trigger)) return this.count(await this.cancellationOf(row, trigger));
    if (isFinal(row, trigger)) return this.count(row.state === 'sent' ? 'duplicate' : row.state === 'refused' ? 'refused' : 'failed');
    const binding = await this.bindings.find(row.connection_id, { tinyOrderId: row.tiny_order_id, marketplaceOrderCode: row.marketplace_order_code });
    if (!binding) {
      await this.invoices.update(row.id, { state: 'waiting_binding', reason: waitingForBindingReason(row.tiny_order_id, row.marketplace_order_code), next_check_at: null });
      return this.count('waiting_binding');
    }
    const sent = await this.invoices.claims.hold(row.id, async ({ row: claimed }) => {
      if (isFinal(claimed, trigger)) return claimed.state === 'failed' ? 'failed' : 'duplicate';
      return runInLane('normal', () => this.sendClaimed(claimed, binding, trigger));
    });
    return this.count(sent.held ? sent.value : 'busy');
  }

  /** A sent invoice's cancellation, checked and reported under the row's claim. */
  private async cancellationOf(row: InvoiceSyncRow, trigger: string): Promise<InvoiceProcessOutcome> {
    const binding = await this.bindings.find(row.connection_id, { tinyOrderId: row.tiny_order_id, marketplaceOrderCode: row.marketplace_order_code });
    if (!binding) return 'duplicate';
    const checked = await this.invoices.claims.hold(row.id, ({ row: claimed }) => runInLane('normal', () => this.cancellations.check(claimed, binding, trigger)));
    return checked.held ? checked.value : 'busy';
  }

  /** Tiny says the order came from no e-commerce at all: certainly not one this hub imported. */
  async isForeignOrder(connectionId: string, tinyOrderId: string): Promise<boolean> {
    const { tiny } = await this.clients.forActive(connectionId);
    try {
      const order = await runInLane('normal', () => tiny.getOrder(tinyOrderId));
      return !order.ecommerceOrderNumber;
    } catch (error) {
      if (error instanceof TinyApiError && error.kind === 'not-found') return true;
      throw error;
    }
  }

  private async sendClaimed(row: InvoiceSyncRow, binding: OrderBinding, trigger: string): Promise<InvoiceProcessOutcome> {
    const clients = await this.clients.forActive(row.connection_id);
    const fulfilment = new TinyFulfilmentApi(clients.tiny);
    // An earlier post may have landed: its worker died or its answer was lost (`sending`), or it was left waiting for
    // an operator or refused after a send whose answer never came (`sends` > 0).
    const mayHaveLanded = row.state === 'sending' || row.sends > 0;
    let sendingCommitted = false;
    try {
      // An unconfirmed send is finished on the path it started on (rows from before the choice existed: v3); one that
      // waited for an operator goes the way the connection says now (the operator may have changed it to unblock it).
      const delivery = await this.deliveries.of(clients, row.state === 'sending' ? (row.delivery_path ?? 'ideris_api') : null);
      const invoice = await fulfilment.getInvoice(row.tiny_invoice_id);
      const held = mayHaveLanded && row.access_key ? await delivery.readBackInvoice(binding.iderisOrderId, row.access_key, false) : false;
      if (held === true) {
        // Ideris has it already (read back): not sent again; a cancellation since is reported.
        await this.confirmSent(row, invoice.situation === CANCELLED, { confirmedByReading: true });
        this.logger.log({ msg: 'invoice found in Ideris: an unconfirmed send is confirmed', connectionId: row.connection_id, tinyInvoiceId: row.tiny_invoice_id, iderisOrderId: binding.iderisOrderId, trigger });
        return 'sent';
      }
      const facts = {
        tiny_order_id: row.tiny_order_id ?? invoice.orderId ?? binding.tinyOrderId,
        ideris_order_id: binding.iderisOrderId,
        number: invoice.number || null,
        series: invoice.series ?? null,
        access_key: invoice.accessKey ?? null,
        issued_at: invoice.issuedAt ?? null,
        value_cents: invoice.totalCents ?? null,
        tiny_situation: invoice.situation ?? null,
      };
      const standing = invoiceStanding(invoice.situation);
      if (standing.kind === 'refused' && invoice.situation === CANCELLED && held === undefined && mayHaveLanded && row.access_key) {
        // No read-back (a notification URL) and a post that may have landed: the receiver may hold the valid invoice,
        // so it is taken as sent and its cancellation reported (the scheduler does it now), not left refused.
        await this.confirmSent(row, true, { unconfirmed: true, cancelledBeforeConfirmation: true });
        this.logger.warn({ msg: 'invoice cancelled in Tiny while its send was unconfirmed: the cancellation is reported', connectionId: row.connection_id, tinyInvoiceId: row.tiny_invoice_id });
        return 'sent';
      }
      if (standing.kind === 'refused') {
        await this.invoices.update(row.id, { ...facts, state: 'refused', reason: standing.reason, reason_code: null, next_check_at: null, failures: 0 });
        this.logger.warn({ msg: 'invoice not sent: not valid in Tiny', connectionId: row.connection_id, tinyInvoiceId: row.tiny_invoice_id, reason: standing.reason });
        return 'refused';
      }
      if (standing.kind === 'pending') {
        const checks = row.sends + row.notifications;
        await this.invoices.update(row.id, { ...facts, state: 'waiting_authorisation', reason: standing.reason, reason_code: null, next_check_at: new Date(Date.now() + recheckDelay(this.options, checks)), failures: 0 });
        return 'waiting_authorisation';
      }
      // The notification's DANFE link saves a call; Tiny's XML is the only form of it the v2 API gives, and only the
      // v3 write carries it (Tiny's notification format has no XML: the URL's receiver reads Tiny itself).
      const danfeUrl = row.danfe_url ?? (await fulfilment.getInvoiceLink(row.tiny_invoice_id));
      const xml = delivery.path === 'ideris_api' ? await fulfilment.getInvoiceXml(row.tiny_invoice_id) : undefined;
      const built = invoiceForIderis({ iderisOrderId: binding.iderisOrderId, invoice, danfeUrl, xml });
      if (!built.ok) {
        await this.invoices.update(row.id, { ...facts, state: 'failed', reason: built.problem, reason_code: null, next_check_at: null, failures: 0 });
        return 'failed';
      }
      // Journaled before the call: a crash after it leaves `sending`, looked at again once the claim has run out
      // (Ideris is read first, so what it already has is not sent twice).
      await this.invoices.update(
        row.id,
        { ...facts, danfe_url: danfeUrl, xml_bytes: xml === undefined ? null : Buffer.byteLength(xml), state: 'sending', reason: null, reason_code: null, delivery_path: delivery.path, next_check_at: unconfirmedSendRecheckAt(this.options.claimMs) },
        { countSend: true },
      );
      sendingCommitted = true;
      const answer = await delivery.sendInvoice({ submission: built.value, tinyInvoiceId: row.tiny_invoice_id, tinyOrderId: facts.tiny_order_id, marketplaceOrderCode: binding.marketplaceOrderCode ?? row.marketplace_order_code });
      await this.invoices.update(row.id, { state: 'sent', reason: null, ideris_answer: JSON.stringify(answer ?? null), sent_at: new Date(), next_check_at: null, failures: 0 });
      this.logger.log({ msg: 'invoice sent to Ideris', connectionId: row.connection_id, tinyInvoiceId: row.tiny_invoice_id, iderisOrderId: binding.iderisOrderId, path: delivery.path, trigger });
      return 'sent';
    } catch (error) {
      if (error instanceof NotificationUrlError) {
        // Nothing was accepted by this post; no retry changes it, an operator fixing the connection does.
        await this.invoices.update(row.id, { state: 'waiting_configuration', reason_code: error.problem, reason: error.plainReason, next_check_at: null, failures: 0 });
        this.logger.warn({ msg: 'invoice waits for the connection\'s invoice URL to be fixed', connectionId: row.connection_id, tinyInvoiceId: row.tiny_invoice_id, reasonCode: error.problem, reason: error.plainReason });
        return 'waiting_configuration';
      }
      const verdict = this.failures.classify(error, row.failures + 1);
      if (verdict.action === 'refuse') {
        await this.invoices.update(row.id, { state: 'failed', reason: (error as Error).message, reason_code: null, next_check_at: null });
        this.logger.warn({ msg: 'invoice refused', connectionId: row.connection_id, tinyInvoiceId: row.tiny_invoice_id, err: (error as Error).message });
        return 'failed';
      }
      // After `sending`, Ideris may have accepted it (an answer lost): the retry reads Ideris before sending again.
      const state = sendingCommitted || row.state === 'sending' ? 'sending' : 'received';
      await this.invoices.update(row.id, { state, reason: `will retry: ${(error as Error).message}`, next_check_at: new Date(Date.now() + verdict.delayMs) }, { countFailure: true });
      throw error;
    }
  }

  /** `sent` without a new send; a cancellation seen in Tiny meanwhile is left `pending`, for the scheduler to report now. */
  private async confirmSent(row: InvoiceSyncRow, cancelled: boolean, answer: Record<string, boolean>): Promise<void> {
    await this.invoices.update(row.id, {
      state: 'sent',
      reason: null,
      reason_code: null,
      ideris_answer: JSON.stringify(answer),
      sent_at: new Date(),
      failures: 0,
      ...(cancelled
        ? { tiny_situation: CANCELLED, cancel_state: 'pending' as const, cancel_reason: `Tiny says the invoice is ${situationLabel(CANCELLED)}: cancelled before its send was confirmed`, next_check_at: new Date() }
        : { next_check_at: null }),
    });
  }

  private count(outcome: InvoiceProcessOutcome): InvoiceProcessOutcome {
    outcomes.inc({ outcome });
    return outcome;
  }
}

export function waitingForBindingReason(tinyOrderId: string | null, marketplaceOrderCode: string | null): string {
  return `no order imported by this hub matches Tiny order ${tinyOrderId ?? '?'} / marketplace order ${marketplaceOrderCode ?? '?'} yet`;
}

/** An operator's resend reopens an invoice Ideris refused (the receiver or the data may have been fixed since). */
function isFinal(row: InvoiceSyncRow, trigger: string): boolean {
  if (trigger === 'operator' && row.state === 'failed') return false;
  return INVOICE_FINAL_STATES.includes(row.state);
}
