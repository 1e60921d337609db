import { Injectable, Logger } from '@nestjs/common';
import { Consumers, TinyNotificationEvents, type TinyNotificationReceivedV1 } from '@hub/contracts';
import { ConnectionDirectory } from '@hub/connections';
import { openTinyNotification } from '@hub/integrations';
import { JetStreamHandler, type MessageContext } from '@hub/messaging';
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
    const { connectionId } = ctx.payload;
    const opened = await openTinyNotification(this.directory, ctx, 'produto', this.logger);
    if (opened.ignored) return;
    const recorded = await this.notices.record(connectionId, opened.dados, ctx.streamSequence);
    if (recorded.outcome === 'queued') this.pusher.wake(connectionId);
  }
}
