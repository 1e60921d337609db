import { Injectable, Logger } from '@nestjs/common';
import { Consumers, TinyNotificationEvents, type TinyNotificationReceivedV1 } from '@hub/contracts';
import { ConnectionDirectory, FLOW_OFF } from '@hub/connections';
import { openTinyNotification } from '@hub/integrations';
import { JetStreamHandler, type MessageContext } from '@hub/messaging';
import { PermanentError } from '@hub/work';
import { counter } from '@hub/platform';
import { tinyPriceNoticeOf } from '@hub/tiny';
import { PricePusher } from './price-pusher';
import { PricesRepository } from './prices.repository';

const notifications = counter(
  'hub_catalog_price_notifications_total',
  'Tiny price notifications by outcome: accepted, reread (possibly out of order: Tiny is read before the push), stale (a redelivery of one already seen), ignored',
  ['outcome'],
);

/**
 * Two price notifications of one SKU that reach the gateway closer than this may be out of order, so the later one
 * is not trusted and Tiny's price is read just before the push. Wider than stock's 10 s: Tiny retries a notification
 * it could not deliver 1, 2, 4, 8, 16… minutes later — after any newer one the seller made meanwhile — and with no
 * sweep behind prices an older price that wins stays in Ideris. A SKU whose price changes at most once an hour costs
 * no Tiny call; a busier one costs one read (two the first time: a search by code) per push.
 */
export const PRICE_REORDER_WINDOW_MS = 60 * 60_000;

/**
 * Tiny `precos` notifications → at most one pending price per SKU, guarded by the stream sequence (no inbox), and
 * marked for a Tiny read when it reached the hub close to another of the SKU (`PRICE_REORDER_WINDOW_MS`).
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
    const read = tinyPriceNoticeOf(opened.dados);
    if (!read.ok) throw new PermanentError(read.reason, 'invalid-notification');
    const change = read.notice;
    const received = new Date(receivedAt);
    const outcome = await this.prices.coalesce({
      connectionId,
      sku: change.sku,
      tinyCode: change.tinyCode,
      price: change.price,
      promotionalPrice: change.promotionalPrice,
      sourceSeq: ctx.streamSequence,
      receivedAt: Number.isNaN(received.getTime()) ? null : received,
    }, PRICE_REORDER_WINDOW_MS);
    notifications.inc({ outcome });
    if (outcome !== 'stale') this.pusher.wake(connectionId);
  }
}
