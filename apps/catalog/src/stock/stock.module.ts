import { Module } from '@nestjs/common';
import { StockAdminController } from '../admin/stock-admin.controller';
import { StockFlow } from '../admin/work/stock.flow';
import { KitStock } from './kit-stock';
import { OrderStockRecheckHandler } from './order-stock-recheck.handler';
import { StockNotificationHandler } from './stock-notification.handler';
import { StockPushService } from './stock-push.service';
import { StockPusher } from './stock-pusher';
import { StockRepository } from './stock.repository';
import { StockSweeper } from './stock-sweeper';
import { StockUpdatesFeed } from './stock-updates-feed';

/** Stock, Tiny → Ideris: notifications, the stock-change queue, order re-checks, the pusher and the sweeper. */
@Module({
  controllers: [StockAdminController],
  providers: [StockRepository, KitStock, StockPushService, StockPusher, StockNotificationHandler, OrderStockRecheckHandler, StockSweeper, StockUpdatesFeed, StockFlow],
  // StockRepository: prices read the Ideris SKU ids stock recorded. StockFlow: the dashboard's work sources.
  exports: [StockRepository, StockFlow],
})
export class StockModule {}
