import { Injectable, Logger } from '@nestjs/common';
import { Consumers, TinyNotificationEvents, type TinyNotificationReceivedV1 } from '@hub/contracts';
import { ConnectionDirectory } from '@hub/connections';
import { openTinyNotification } from '@hub/integrations';
import { JetStreamHandler, type MessageContext } from '@hub/messaging';
import { tinyTrackingNoticeOf } from '@hub/tiny';
import { BusyError } from '@hub/work';
import { BindingNotYetKnownError } from '../bindings/binding-not-yet-known.error';
import { TrackingSyncRepository } from './tracking-sync.repository';
import { TrackingSyncService } from './tracking-sync.service';

/**
 * Tiny `rastreio` notifications. Missing prerequisites are a recorded state re-checked by the scheduler, not
 * a failure; only an order not bound yet is retried by the runner (then parked, and still sent by the
 * scheduler if its binding shows up later). No inbox: the row per order is the idempotency key.
 */
@Injectable()
export class TrackingNotificationHandler {
  private readonly logger = new Logger(TrackingNotificationHandler.name);

  constructor(
    private readonly directory: ConnectionDirectory,
    private readonly tracking: TrackingSyncRepository,
    private readonly service: TrackingSyncService,
  ) {}

  @JetStreamHandler(Consumers.fiscalShippingTracking, TinyNotificationEvents.received, { concurrency: 8, inbox: false })
  async handle(ctx: MessageContext<TinyNotificationReceivedV1>): Promise<void> {
    const { connectionId } = ctx.payload;
    const opened = await openTinyNotification(this.directory, ctx, 'rastreio', this.logger);
    if (opened.ignored) return;
    const { tinyOrderId, tinyInvoiceId, marketplaceOrderCode, details } = tinyTrackingNoticeOf(opened.dados);
    const row = await this.tracking.noticed({ connectionId, tinyOrderId, tinyInvoiceId, marketplaceOrderCode, notice: details });
    const outcome = await this.service.process(row, 'notification');
    if (outcome === 'busy') throw new BusyError(`tracking of Tiny order ${row.tiny_order_id} is claimed by another worker; retried later`);
    if (outcome !== 'waiting_binding') return;
    const notYet = new BindingNotYetKnownError(`no order imported by this hub matches Tiny order ${row.tiny_order_id} yet (attempt ${ctx.attempt} of ${Consumers.fiscalShippingTracking.maxAttempts})`);
    if (ctx.failure(notYet).action === 'park') this.logger.warn({ msg: 'tracking ignored: no imported order matches', connectionId, tinyOrderId: row.tiny_order_id, attempts: ctx.attempt });
    throw notYet;
  }
}
