import { Injectable, Logger } from '@nestjs/common';
import { Consumers, TinyNotificationEvents, tinyNotificationReceivedProblems, type TinyNotificationReceivedV1 } from '@hub/contracts';
import { ConnectionDirectory, FLOW_OFF } from '@hub/connections';
import { openTinyNotification } from '@hub/integrations';
import { JetStreamHandler, type MessageContext } from '@hub/messaging';
import { PermanentError } from '@hub/work';
import { counter } from '@hub/platform';
import { tinyStockNoticeOf } from '@hub/tiny';
import { planStock } from './domain/stock-rule';
import { KitStock } from './kit-stock';
import { StockPusher } from './stock-pusher';
import { StockUpdatesFeed } from './stock-updates-feed';
import { Batcher } from '../common/batcher';
import { StockRepository, type StockNotice, type StockOutcome } from './stock.repository';

const notifications = counter(
  'hub_catalog_stock_notifications_total',
  'Tiny stock notifications by outcome: accepted, reread (possibly out of order: Tiny is read before the push), stale (a redelivery of one already seen), ignored',
  ['outcome'],
);

/**
 * Two notifications of one SKU that reach the gateway closer than this may have been delivered out of order
 * (Tiny's retries and parallel deliveries reorder them; its payload carries no version), so the later-handled
 * one's value is not trusted: Tiny's balance is read just before the push. A SKU that changes less often than
 * this costs no Tiny call at all; a busy one costs one read per push, not per notification.
 */
export const STOCK_REORDER_WINDOW_MS = 10_000;

/**
 * Where the connection reads Tiny's stock-change queue, a SKU in doubt waits this long for it (one call answers a
 * hundred SKUs, woken within seconds) before the pusher reads the SKU alone.
 */
export const STOCK_AWAIT_FEED_MS = 60_000;

/** Notifications handled at once (pulled together), and so written in one statement at most. */
export const NOTIFICATION_BATCH = 64;

/**
 * Tiny `estoque` notifications → at most one pending value per SKU. No inbox: the stream sequence is the
 * natural key, so a repeated delivery finds its value already recorded (or replaced) and changes nothing.
 */
@Injectable()
export class StockNotificationHandler {
  private readonly logger = new Logger(StockNotificationHandler.name);
  /**
   * The notifications handled at once go to the database together: one statement for all of them (each SKU once
   * per statement), instead of a round trip each.
   */
  private readonly coalescer = new Batcher<StockNotice & { awaitFeedMs: number | null }, StockOutcome>(
    (notices) => this.stock.coalesceMany(notices, STOCK_REORDER_WINDOW_MS),
    { max: NOTIFICATION_BATCH, keyOf: (notice) => `${notice.connectionId}\u0000${notice.sku}` },
  );

  constructor(
    private readonly directory: ConnectionDirectory,
    private readonly stock: StockRepository,
    private readonly pusher: StockPusher,
    private readonly kits: KitStock,
    private readonly feed: StockUpdatesFeed,
  ) {}

  @JetStreamHandler(Consumers.catalogStock, TinyNotificationEvents.received, { concurrency: NOTIFICATION_BATCH, inbox: false, check: tinyNotificationReceivedProblems })
  async handle(ctx: MessageContext<TinyNotificationReceivedV1>): Promise<void> {
    const { connectionId, receivedAt } = ctx.payload;
    const opened = await openTinyNotification(this.directory, ctx, 'estoque', this.logger);
    if (opened.ignored) {
      notifications.inc({ outcome: opened.ignored === 'flow-off' ? FLOW_OFF : 'ignored' });
      return;
    }
    const { connection } = opened;
    const read = tinyStockNoticeOf(opened.dados);
    if (!read.ok) throw new PermanentError(read.reason, 'invalid-notification');
    const change = read.notice;
    // A kit counted from its components: its own balance in the notification is not what Ideris gets.
    const byComponents = connection.settings.kitStock === 'components';
    const isKit = byComponents && (await this.kits.compositions(connectionId, [change.sku])).size > 0;
    const plan = isKit ? ({ kind: 'read-from-tiny' } as const) : planStock(change, connection.settings);
    const received = new Date(receivedAt);
    // A kit's own balance in the queue is not what Ideris gets either: only plain SKUs wait for it.
    const awaitFeed = connection.settings.stockUpdatesFeed && !isKit ? STOCK_AWAIT_FEED_MS : null;
    const outcome = await this.coalescer.submit({
      connectionId,
      sku: change.sku,
      tinyProductId: change.tinyProductId,
      tinyCode: change.tinyCode,
      value: plan.kind === 'known' ? { balance: plan.balance, desired: plan.desired } : undefined,
      sourceSeq: ctx.streamSequence,
      receivedAt: Number.isNaN(received.getTime()) ? null : received,
      awaitFeedMs: awaitFeed,
    });
    notifications.inc({ outcome });
    if (outcome === 'reread' && awaitFeed !== null) await this.feed.wake(connectionId);
    if (outcome !== 'stale' && byComponents) {
      // The kits this SKU is a component of can now be assembled a different number of times.
      await this.stock.requestReread(connectionId, await this.kits.kitsContaining(connectionId, [change.sku]), 'kit');
    }
    if (outcome !== 'stale') this.pusher.wake(connectionId);
  }
}
