import { Injectable, Logger } from '@nestjs/common';
import { Consumers, TinyNotificationEvents, type TinyNotificationReceivedV1 } from '@hub/contracts';
import { ConnectionDirectory, FLOW_OFF } from '@hub/connections';
import { openTinyNotification } from '@hub/integrations';
import { JetStreamHandler, type MessageContext } from '@hub/messaging';
import { PermanentError } from '@hub/work';
import { counter } from '@hub/platform';
import { priceChangeFromNotification } from './domain/price-notification.mapper';
import { PricePusher } from './price-pusher';
import { PricesRepository } from './prices.repository';

const notifications = counter('hub_catalog_price_notifications_total', 'Tiny price notifications by outcome: accepted, stale (older than one already seen), ignored', ['outcome']);

/**
 * Tiny `precos` notifications → at most one pending price per SKU, guarded by the stream sequence (no inbox).
 * The rule is applied at push time, per listing model and its marketplace account's rule.
 */
@Injectable()
export class PriceNotificationHandler {
  private readonly logger = new Logger(PriceNotificationHandler.name);

  constructor(
    private readonly directory: ConnectionDirectory,
    private readonly prices: PricesRepository,
    private readonly pusher: PricePusher,
  ) {}

  @JetStreamHandler(Consumers.catalogPrices, TinyNotificationEvents.received, { concurrency: 4, inbox: false })
  async handle(ctx: MessageContext<TinyNotificationReceivedV1>): Promise<void> {
    const { connectionId, receivedAt } = ctx.payload;
    const opened = await openTinyNotification(this.directory, ctx, 'precos', this.logger);
    if (opened.ignored) {
      notifications.inc({ outcome: opened.ignored === 'flow-off' ? FLOW_OFF : 'ignored' });
      return;
    }
    const change = priceChangeFromNotification(opened.dados);
    if (!change) throw new PermanentError('precos notification names no SKU (skuMapeamento or codigo)', 'invalid-notification');
    const received = new Date(receivedAt);
    const outcome = await this.prices.coalesce({
      connectionId,
      sku: change.sku,
      price: change.price,
      promotionalPrice: change.promotionalPrice ?? null,
      sourceSeq: ctx.streamSequence,
      receivedAt: Number.isNaN(received.getTime()) ? null : received,
    });
    notifications.inc({ outcome });
    if (outcome === 'accepted') this.pusher.wake(connectionId);
  }
}
