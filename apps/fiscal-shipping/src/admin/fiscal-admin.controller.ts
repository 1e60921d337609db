import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { runInLane } from '@hub/budget';
import { RpcSubjects, type FiscalActionResult, type FiscalOrderQuery, type FiscalOrderView, type InvoiceSyncView, type RpcFailure, type TrackingSyncView } from '@hub/contracts';
import { describeError } from '@hub/work';
import { bindConnection } from '@hub/platform';
import { OrderBindingRepository, type OrderBinding } from '../bindings/order-binding.repository';
import { ConnectionClients } from '@hub/integrations';
import { InvoiceSyncRepository, toInvoiceView, type InvoiceSyncRow } from '../invoices/invoice-sync.repository';
import { InvoiceSyncService } from '../invoices/invoice-sync.service';
import { TrackingSyncRepository, toTrackingView } from '../tracking/tracking-sync.repository';
import { TrackingSyncService } from '../tracking/tracking-sync.service';

function fail(status: RpcFailure['error']['status'], message: string): RpcFailure {
  return { error: { status, message } };
}

/** The fiscal-shipping admin queries and commands, over NATS request/reply; the gateway exposes them as REST. */
@Controller()
export class FiscalAdminController {
  constructor(
    private readonly bindings: OrderBindingRepository,
    private readonly invoices: InvoiceSyncRepository,
    private readonly invoiceService: InvoiceSyncService,
    private readonly tracking: TrackingSyncRepository,
    private readonly trackingService: TrackingSyncService,
    private readonly clients: ConnectionClients,
  ) {}

  @MessagePattern(RpcSubjects.fiscalOrderGet)
  async get(@Payload() q: FiscalOrderQuery): Promise<FiscalOrderView | RpcFailure> {
    const binding = await this.bindings.findByIderisOrder(q.connectionId, q.iderisOrderId);
    if (!binding) return fail(404, `order ${q.iderisOrderId} was not imported by this hub (or its import is not known here yet)`);
    const invoices = await this.invoices.forOrder(q.connectionId, binding.tinyOrderId, binding.iderisOrderId);
    const tracking = await this.tracking.find(q.connectionId, binding.tinyOrderId);
    return {
      iderisOrderId: binding.iderisOrderId,
      tinyOrderId: binding.tinyOrderId,
      marketplaceOrderCode: binding.marketplaceOrderCode,
      invoices: invoices.map(toInvoiceView),
      tracking: tracking ? toTrackingView(tracking) : null,
    };
  }

  /** Checks the prerequisites now and sends if they hold; an order already sent answers what was sent. */
  @MessagePattern(RpcSubjects.fiscalSendTracking)
  async sendTracking(@Payload() q: FiscalOrderQuery): Promise<FiscalActionResult<TrackingSyncView> | RpcFailure> {
    bindConnection(q.connectionId);
    const binding = await this.bindings.findByIderisOrder(q.connectionId, q.iderisOrderId);
    if (!binding) return fail(404, `order ${q.iderisOrderId} was not imported by this hub`);
    const row = await this.tracking.noticed({ connectionId: q.connectionId, tinyOrderId: binding.tinyOrderId, marketplaceOrderCode: binding.marketplaceOrderCode ?? undefined }, false);
    if (row.state === 'sent') return { sentNow: false, alreadySent: true, result: toTrackingView(row) };
    try {
      const outcome = await this.trackingService.process(row, 'operator');
      const after = toTrackingView((await this.tracking.find(q.connectionId, binding.tinyOrderId))!);
      if (outcome === 'sent') return { sentNow: true, alreadySent: false, result: after };
      if (outcome === 'duplicate') return { sentNow: false, alreadySent: true, result: after };
      if (outcome === 'busy') return fail(409, 'the tracking of this order is being checked right now; ask again in a moment');
      if (outcome === 'failed') return fail(422, `Ideris refused the tracking: ${after.reason ?? 'no reason given'}`);
      return fail(409, `tracking not sent: ${after.reason ?? 'waiting'}`);
    } catch (error) {
      return fail(409, `tracking not sent, try again: ${describeError(error).message}`);
    }
  }

  /** Sends the order's invoice if Ideris does not have it yet; one already sent answers what was sent. */
  @MessagePattern(RpcSubjects.fiscalResendInvoice)
  async resendInvoice(@Payload() q: FiscalOrderQuery): Promise<FiscalActionResult<InvoiceSyncView> | RpcFailure> {
    bindConnection(q.connectionId);
    const binding = await this.bindings.findByIderisOrder(q.connectionId, q.iderisOrderId);
    if (!binding) return fail(404, `order ${q.iderisOrderId} was not imported by this hub`);
    const rows = await this.invoices.forOrder(q.connectionId, binding.tinyOrderId, binding.iderisOrderId);
    const sent = rows.find((row) => row.state === 'sent');
    if (sent) return { sentNow: false, alreadySent: true, result: toInvoiceView(sent) };
    try {
      const row = rows.filter((candidate) => candidate.state !== 'refused').at(-1) ?? (await this.invoiceFromTiny(binding));
      if (!row) {
        const refused = rows.at(-1);
        return fail(409, refused ? `no valid invoice: ${refused.reason ?? 'refused'}` : 'Tiny has no invoice for this order yet');
      }
      const outcome = await this.invoiceService.process(row, 'operator');
      const after = toInvoiceView((await this.invoices.find(q.connectionId, row.tiny_invoice_id))!);
      if (outcome === 'sent') return { sentNow: true, alreadySent: false, result: after };
      if (outcome === 'duplicate') return { sentNow: false, alreadySent: true, result: after };
      if (outcome === 'busy') return fail(409, 'the invoice is being sent right now; ask again in a moment');
      if (outcome === 'failed') return fail(422, `invoice not sent: ${after.reason ?? 'refused'}`);
      return fail(409, `invoice not sent: ${after.reason ?? outcome}`);
    } catch (error) {
      return fail(409, `invoice not sent, try again: ${describeError(error).message}`);
    }
  }

  /** No notification reached the hub: Tiny's order names its invoice (`id_nota_fiscal`, "0" while none). */
  private async invoiceFromTiny(binding: OrderBinding): Promise<InvoiceSyncRow | undefined> {
    const { tiny } = await this.clients.forActive(binding.connectionId);
    const order = await runInLane('normal', () => tiny.getOrder(binding.tinyOrderId));
    if (!order.invoiceId) return undefined;
    return this.invoices.ensure(binding.connectionId, order.invoiceId, binding.tinyOrderId);
  }
}
