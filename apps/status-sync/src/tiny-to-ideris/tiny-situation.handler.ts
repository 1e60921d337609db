import { Injectable, Logger } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { Consumers, TinyNotificationEvents, type TinyNotificationReceivedV1 } from '@hub/contracts';
import { ConnectionDirectory, FLOW_OFF, flowEnabled, recordFlowSkip } from '@hub/connections';
import { JetStreamHandler, type MessageContext } from '@hub/messaging';
import { PermanentError } from '@hub/work';
import { bindConnection, counter } from '@hub/platform';
import { parseTinyNotification, tinySituationNoticeOf } from '@hub/tiny';
import { OrderStatusSyncService } from '../order-status/order-status-sync.service';

/**
 * A notification for an order status-sync does not know may come before the order's `imported` event (Tiny
 * notifies as soon as the order exists): it is retried while it is this young, then ignored (an order the hub
 * did not import, or a connection that is not active).
 */
const BINDING_WAIT_MS = 2 * 60_000;
const BINDING_ATTEMPTS = 4;

const notifications = counter('hub_status_tiny_notifications_total', 'Tiny situation notifications by outcome', ['kind', 'outcome']);

/**
 * Tiny → Ideris, from `situacao_pedido` (e-commerce integration) and `atualizacao_pedido` (account webhooks):
 * two durables with one handler each, the same change arriving twice is applied once.
 */
@Injectable()
export class TinySituationHandler {
  private readonly logger = new Logger(TinySituationHandler.name);

  constructor(private readonly directory: ConnectionDirectory, private readonly sync: OrderStatusSyncService) {}

  @JetStreamHandler(Consumers.statusSyncSituations, TinyNotificationEvents.received, { concurrency: 8, inbox: false })
  situation(ctx: MessageContext<TinyNotificationReceivedV1>): Promise<void> {
    return this.handle(ctx);
  }

  @JetStreamHandler(Consumers.statusSyncOrderUpdates, TinyNotificationEvents.received, { concurrency: 8, inbox: false })
  orderUpdate(ctx: MessageContext<TinyNotificationReceivedV1>): Promise<void> {
    return this.handle(ctx);
  }

  private async handle(ctx: MessageContext<TinyNotificationReceivedV1>): Promise<void> {
    const { connectionId, rawBody, receivedAt, kind } = ctx.payload;
    bindConnection(connectionId);
    const parsed = parseTinyNotification(rawBody);
    if (!parsed.ok) throw new PermanentError(parsed.error.message, 'invalid-notification');
    const change = tinySituationNoticeOf(parsed.notification);
    if (!change) {
      notifications.inc({ kind, outcome: 'no-situation' });
      return;
    }
    const young = Date.now() - new Date(receivedAt).getTime() < BINDING_WAIT_MS && ctx.attempt < BINDING_ATTEMPTS;
    const connection = await this.directory.get(connectionId);
    if (!connection || connection.deleted || connection.situation !== 'active') {
      if (young) throw new Error(`connection ${connectionId} is not active here (yet)`);
      notifications.inc({ kind, outcome: 'connection-inactive' });
      return;
    }
    if (!flowEnabled(connection, 'status')) {
      notifications.inc({ kind, outcome: FLOW_OFF });
      recordFlowSkip(this.logger, { flow: 'status', connectionId, what: `${kind} notification`, seq: ctx.streamSequence });
      return;
    }
    const outcome = await runInLane('normal', () => this.sync.applyTinySituation(connectionId, change.tinyOrderId, change.situation, ctx.streamSequence, kind));
    if (outcome === 'unknown-order' && young) throw new Error(`Tiny order ${change.tinyOrderId} is not bound to an imported order (yet)`);
    notifications.inc({ kind, outcome });
    if (outcome === 'unknown-order') this.logger.log({ msg: 'situation of an order the hub did not import: ignored', connectionId, tinyOrderId: change.tinyOrderId, seq: ctx.streamSequence });
  }
}
