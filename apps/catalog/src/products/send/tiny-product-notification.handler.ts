import { Injectable, Logger } from '@nestjs/common';
import { Consumers, TinyNotificationEvents, type TinyNotificationReceivedV1 } from '@hub/contracts';
import { ConnectionDirectory } from '@hub/connections';
import { JetStreamHandler, PermanentError, type MessageContext } from '@hub/messaging';
import { bindConnection } from '@hub/platform';
import { parseTinyNotification } from '@hub/tiny';
import { IderisProductPusher } from './ideris-product-pusher';
import { TinyProductNoticeService } from './tiny-product-notice.service';

/**
 * Tiny `produto` notifications from the stream (durable `catalog-products`): the path that cannot be lost. Most
 * were recorded already while the gateway answered Tiny; their stream sequence makes this a no-op then.
 */
@Injectable()
export class TinyProductNotificationHandler {
  private readonly logger = new Logger(TinyProductNotificationHandler.name);

  constructor(
    private readonly directory: ConnectionDirectory,
    private readonly notices: TinyProductNoticeService,
    private readonly pusher: IderisProductPusher,
  ) {}

  @JetStreamHandler(Consumers.catalogProducts, TinyNotificationEvents.received, { concurrency: 4, inbox: false })
  async handle(ctx: MessageContext<TinyNotificationReceivedV1>): Promise<void> {
    const { connectionId, rawBody, receivedAt } = ctx.payload;
    bindConnection(connectionId);
    const check = await this.directory.checkForNotification(connectionId, receivedAt, ctx.attempt);
    if (!check.active) {
      if (check.retry) throw new Error(`connection ${connectionId} is not active here (yet)`);
      this.logger.log({ msg: 'product notification ignored: connection not active', connectionId, situation: check.situation, seq: ctx.streamSequence });
      return;
    }
    const parsed = parseTinyNotification(rawBody);
    if (!parsed.ok) throw new PermanentError(parsed.error.message, 'invalid-notification');
    if (parsed.notification.kind !== 'produto') return;
    const recorded = await this.notices.record(connectionId, parsed.notification.dados, ctx.streamSequence);
    if (recorded.outcome === 'queued') this.pusher.wake(connectionId);
  }
}
