import { Injectable, Logger } from '@nestjs/common';
import { Consumers, TinyNotificationEvents, type TinyNotificationReceivedV1 } from '@hub/contracts';
import { ConnectionDirectory } from '@hub/connections';
import { JetStreamHandler, PermanentError, type MessageContext } from '@hub/messaging';
import { bindConnection } from '@hub/platform';
import { parseTinyNotification } from '@hub/tiny';
import { BindingNotYetKnownError } from '../bindings/binding-not-yet-known.error';
import { RowBusyError } from '../row-busy.error';
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
    const { connectionId, rawBody, receivedAt } = ctx.payload;
    bindConnection(connectionId);
    const check = await this.directory.checkForNotification(connectionId, receivedAt, ctx.attempt);
    if (!check.active) {
      if (check.retry) throw new Error(`connection ${connectionId} is not active here (yet)`);
      this.logger.log({ msg: 'tracking notification ignored: connection not active', connectionId, situation: check.situation, seq: ctx.streamSequence });
      return;
    }
    const parsed = parseTinyNotification(rawBody);
    if (!parsed.ok) throw new PermanentError(parsed.error.message, 'invalid-notification');
    if (parsed.notification.kind !== 'rastreio') return;
    const { dados } = parsed.notification;
    const row = await this.tracking.noticed({
      connectionId,
      tinyOrderId: dados.idVendaTiny,
      tinyInvoiceId: dados.idNotaFiscalTiny,
      marketplaceOrderCode: dados.idPedidoEcommerce,
      notice: { trackingCode: dados.codigoRastreio, trackingUrl: dados.urlRastreio, carrier: dados.transportadora, shippingMethod: dados.formaEnvio, freightService: dados.formaFrete },
    });
    const outcome = await this.service.process(row, 'notification');
    if (outcome === 'busy') throw new RowBusyError(`tracking of Tiny order ${row.tiny_order_id} is claimed by another worker; retried later`);
    if (outcome !== 'waiting_binding') return;
    if (ctx.attempt >= Consumers.fiscalShippingTracking.maxAttempts) {
      this.logger.warn({ msg: 'tracking ignored: no imported order matches', connectionId, tinyOrderId: row.tiny_order_id, attempts: ctx.attempt });
    }
    throw new BindingNotYetKnownError(`no order imported by this hub matches Tiny order ${row.tiny_order_id} yet (attempt ${ctx.attempt} of ${Consumers.fiscalShippingTracking.maxAttempts})`);
  }
}
