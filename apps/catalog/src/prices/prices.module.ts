import { Module } from '@nestjs/common';
import { PricesFlow } from '../admin/work/prices.flow';
import { StockModule } from '../stock/stock.module';
import { PriceAdminController } from './price-admin.controller';
import { PriceNotificationHandler } from './price-notification.handler';
import { PricePushService } from './price-push.service';
import { PricePusher } from './price-pusher';
import { PricesRepository } from './prices.repository';

/** Prices, Tiny → Ideris: notifications and the pusher. */
@Module({
  imports: [StockModule],
  controllers: [PriceAdminController],
  providers: [PricesRepository, PricePushService, PricePusher, PriceNotificationHandler, PricesFlow],
  // PricesFlow: the dashboard's work sources.
  exports: [PricesFlow],
})
export class PricesModule {}
