import { Injectable, Logger } from '@nestjs/common';
import { Consumers, TinyNotificationEvents, type TinyNotificationReceivedV1 } from '@hub/contracts';
import { ConnectionDirectory } from '@hub/connections';
import { openTinyNotification } from '@hub/integrations';
import { JetStreamHandler, type MessageContext } from '@hub/messaging';
import { tinyInvoiceNoticeOf } from '@hub/tiny';
import { BusyError } from '@hub/work';
import { BindingNotYetKnownError } from '../bindings/binding-not-yet-known.error';
import { InvoiceLocator, InvoiceNotYetFoundError } from './invoice-locator';
import { InvoiceSyncRepository } from './invoice-sync.repository';
import { InvoiceSyncService, waitingForBindingReason } from './invoice-sync.service';

/**
 * Tiny `nota_fiscal` notifications. No inbox: the invoice's own row (unique per connection and Tiny invoice)
 * is the idempotency key, and sending makes its own commits around the Ideris call.
 */
@Injectable()
export class InvoiceNotificationHandler {
  private readonly logger = new Logger(InvoiceNotificationHandler.name);

  constructor(
    private readonly directory: ConnectionDirectory,
    private readonly invoices: InvoiceSyncRepository,
    private readonly service: InvoiceSyncService,
    private readonly locator: InvoiceLocator,
  ) {}

  @JetStreamHandler(Consumers.fiscalShippingInvoices, TinyNotificationEvents.received, { concurrency: 8, inbox: false })
  async handle(ctx: MessageContext<TinyNotificationReceivedV1>): Promise<void> {
    const { connectionId } = ctx.payload;
    const opened = await openTinyNotification(this.directory, ctx, 'nota_fiscal', this.logger);
    if (opened.ignored) return;
    const notice = tinyInvoiceNoticeOf(opened.dados);
    if (!notice.tinyOrderId && !notice.marketplaceOrderCode) {
      this.logger.log({ msg: 'invoice notification ignored: it names no order', connectionId, tinyInvoiceId: notice.tinyInvoiceId });
      return;
    }
    const tinyInvoiceId = await this.locator.tinyInvoiceIdOf(connectionId, notice);
    if (!tinyInvoiceId) {
      const reason = `no Tiny invoice found for order ${notice.tinyOrderId ?? '?'} / number ${notice.locator.number ?? '?'} series ${notice.locator.series ?? '?'} (notification without idNotaFiscalTiny)`;
      this.logger.warn({ msg: 'invoice notification: invoice not found yet', connectionId, attempt: ctx.attempt, reason });
      throw new InvoiceNotYetFoundError(`${reason} (attempt ${ctx.attempt} of ${Consumers.fiscalShippingInvoices.maxAttempts})`);
    }
    const row = await this.invoices.noticed({
      connectionId,
      tinyInvoiceId,
      tinyOrderId: notice.tinyOrderId,
      marketplaceOrderCode: notice.marketplaceOrderCode,
      danfeUrl: notice.danfeUrl,
    });
    const outcome = await this.service.process(row, 'notification');
    if (outcome === 'busy') throw new BusyError(`invoice ${row.tiny_invoice_id} is claimed by another worker; retried later`);
    if (outcome !== 'waiting_binding') return;

    const reason = waitingForBindingReason(row.tiny_order_id, row.marketplace_order_code);
    if (ctx.attempt === 1 && row.tiny_order_id && (await this.service.isForeignOrder(connectionId, row.tiny_order_id))) {
      await this.invoices.update(row.id, { state: 'ignored', reason: `Tiny order ${row.tiny_order_id} did not come from an e-commerce: not imported by this hub` });
      this.logger.log({ msg: 'invoice ignored: its order was not imported by this hub', connectionId, tinyInvoiceId: row.tiny_invoice_id, tinyOrderId: row.tiny_order_id });
      return;
    }
    const notYet = new BindingNotYetKnownError(`${reason} (attempt ${ctx.attempt} of ${Consumers.fiscalShippingInvoices.maxAttempts})`);
    if (ctx.failure(notYet).action === 'park') {
      // Parked by the runner with this reason; a binding that shows up later still sends it (see OrderImportedHandler).
      await this.invoices.update(row.id, { state: 'ignored', reason: `${reason} after ${ctx.attempt} attempts: not imported by this hub, or its import has not finished` });
      this.logger.warn({ msg: 'invoice ignored: no imported order matches', connectionId, tinyInvoiceId: row.tiny_invoice_id, attempts: ctx.attempt });
    }
    throw notYet;
  }
}
