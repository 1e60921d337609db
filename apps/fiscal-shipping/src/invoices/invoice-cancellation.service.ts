import { Inject, Injectable, Logger } from '@nestjs/common';
import { NotificationUrlError } from '@hub/ideris';
import { ConnectionClients } from '@hub/integrations';
import { TinyFulfilmentApi } from '@hub/tiny';
import type { FailurePolicy } from '@hub/work';
import type { OrderBinding } from '../bindings/order-binding.repository';
import { IderisDeliveries, type InvoiceDelivery } from '../delivery/ideris-delivery';
import { fiscalFailures, FISCAL_SHIPPING_OPTIONS, unconfirmedSendRecheckAt, type FiscalShippingOptions } from '../fiscal-shipping.options';
import { CANCELLED, situationLabel } from './domain/invoice-standing';
import { InvoiceSyncRepository, type InvoiceSyncRow } from './invoice-sync.repository';

export type CancellationOutcome = 'cancellation_reported' | 'duplicate' | 'failed' | 'waiting_configuration';

/**
 * An invoice cancelled in Tiny after it went to Ideris is reported there too, once, the way the invoice went (the
 * receiver that holds it): a notification of the invoice already sent makes the hub read its situation in Tiny again
 * (Tiny's notifications carry none). `pending` → `sending` (committed before the call) → `reported`; an unconfirmed
 * report is read back on the v3 path and sent again, byte-identical, on the URL path. Runs under the row's claim.
 */
@Injectable()
export class InvoiceCancellationService {
  private readonly logger = new Logger(InvoiceCancellationService.name);
  private readonly failures: FailurePolicy;

  constructor(
    private readonly invoices: InvoiceSyncRepository,
    private readonly clients: ConnectionClients,
    private readonly deliveries: IderisDeliveries,
    @Inject(FISCAL_SHIPPING_OPTIONS) private readonly options: FiscalShippingOptions,
  ) {
    this.failures = fiscalFailures(options).delivery;
  }

  /** A report under way, or a new notification of an invoice already sent (it may be its cancellation). */
  worthALook(row: InvoiceSyncRow, trigger: string): boolean {
    if (row.cancel_state === 'pending' || row.cancel_state === 'sending' || row.cancel_state === 'waiting_configuration') return true;
    return row.cancel_state === null && trigger === 'notification';
  }

  async check(row: InvoiceSyncRow, binding: OrderBinding, trigger: string): Promise<CancellationOutcome> {
    if (row.state !== 'sent' || row.cancel_state === 'reported' || row.cancel_state === 'failed') return 'duplicate';
    const clients = await this.clients.forActive(row.connection_id);
    let pendingCommitted = false;
    let sendingCommitted = false;
    // A report that may have landed: its answer was lost, or it waited for an operator after such a one.
    const mayHaveLanded = row.cancel_state === 'sending' || (row.cancel_state === 'waiting_configuration' && row.cancel_sends > 0);
    try {
      if (row.cancel_state === null) {
        const invoice = await new TinyFulfilmentApi(clients.tiny).getInvoice(row.tiny_invoice_id);
        if (invoice.situation !== CANCELLED) return 'duplicate';
        // Due on its own if this attempt goes no further (a crash, a failed write): nothing else would look again.
        await this.invoices.update(row.id, { tiny_situation: CANCELLED, cancel_state: 'pending', cancel_reason: `Tiny says the invoice is ${situationLabel(CANCELLED)} after it was sent`, next_check_at: unconfirmedSendRecheckAt(this.options.claimMs) });
        pendingCommitted = true;
      }
      const delivery = await this.deliveries.of(clients, row.delivery_path ?? 'ideris_api');
      const facts = deliveryFacts(row, binding);
      if (!facts) {
        await this.invoices.update(row.id, { cancel_state: 'failed', cancel_reason: 'the invoice sent lacks its key, number or date: nothing to name in the cancellation', next_check_at: null });
        return 'failed';
      }
      if (mayHaveLanded && (await delivery.readBackInvoice(binding.iderisOrderId, facts.submission.key, true)) === true) {
        await this.invoices.update(row.id, { cancel_state: 'reported', cancel_answer: JSON.stringify({ confirmedByReading: true }), cancel_reported_at: new Date(), next_check_at: null, failures: 0 });
        return 'cancellation_reported';
      }
      await this.invoices.update(row.id, { cancel_state: 'sending', next_check_at: unconfirmedSendRecheckAt(this.options.claimMs) }, { countCancelSend: true });
      sendingCommitted = true;
      const answer = await delivery.cancelInvoice(facts);
      await this.invoices.update(row.id, { cancel_state: 'reported', reason_code: null, cancel_answer: JSON.stringify(answer ?? null), cancel_reported_at: new Date(), next_check_at: null, failures: 0 });
      this.logger.log({ msg: 'invoice cancellation reported to Ideris', connectionId: row.connection_id, tinyInvoiceId: row.tiny_invoice_id, iderisOrderId: binding.iderisOrderId, path: delivery.path, trigger });
      return 'cancellation_reported';
    } catch (error) {
      if (error instanceof NotificationUrlError) {
        await this.invoices.update(row.id, { cancel_state: 'waiting_configuration', reason_code: error.problem, cancel_reason: error.plainReason, next_check_at: null, failures: 0 });
        this.logger.warn({ msg: 'invoice cancellation waits for the connection\'s invoice URL to be fixed', connectionId: row.connection_id, tinyInvoiceId: row.tiny_invoice_id, reasonCode: error.problem });
        return 'waiting_configuration';
      }
      const verdict = this.failures.classify(error, row.failures + 1);
      if (verdict.action === 'refuse') {
        await this.invoices.update(row.id, { cancel_state: 'failed', cancel_reason: (error as Error).message, next_check_at: null });
        return 'failed';
      }
      const cancelState = sendingCommitted || mayHaveLanded ? 'sending' : 'pending';
      if (sendingCommitted || pendingCommitted || row.cancel_state !== null) {
        await this.invoices.update(row.id, { cancel_state: cancelState, cancel_reason: `will retry: ${(error as Error).message}`, next_check_at: new Date(Date.now() + verdict.delayMs) }, { countFailure: true });
      }
      throw error;
    }
  }
}

/** Built from what was sent (the row), so a repeated report is byte-identical to the first. */
function deliveryFacts(row: InvoiceSyncRow, binding: OrderBinding): InvoiceDelivery | undefined {
  if (!row.access_key || !row.number || !row.issued_at) return undefined;
  return {
    submission: {
      orderId: binding.iderisOrderId,
      key: row.access_key,
      number: row.number,
      series: row.series || '1',
      issuedAt: new Date(row.issued_at),
      danfeUrl: row.danfe_url ?? undefined,
      valueCents: row.value_cents === null ? undefined : Number(row.value_cents),
    },
    tinyInvoiceId: row.tiny_invoice_id,
    tinyOrderId: row.tiny_order_id ?? binding.tinyOrderId,
    marketplaceOrderCode: binding.marketplaceOrderCode ?? row.marketplace_order_code,
  };
}
