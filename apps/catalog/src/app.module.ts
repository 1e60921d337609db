import { Module, type DynamicModule } from '@nestjs/common';
import { ApiBudgetModule } from '@hub/budget';
import { Consumers, Streams } from '@hub/contracts';
import { ServiceFoundationModule } from '@hub/connections';
import type { EncryptionConfig } from '@hub/platform';
import { StockAdminController } from './admin/stock-admin.controller';
import { ConnectionClients } from '@hub/integrations';
import { Stock1764200000500 } from './migrations/1764200000500-stock';
import { Prices1764200000501 } from './migrations/1764200000501-prices';
import { StockFreshness1764200000503 } from './migrations/1764200000503-stock-freshness';
import { StockReconciliation1764200000504 } from './migrations/1764200000504-stock-reconciliation';
import { OrderStockRecheckHandler } from './stock/order-stock-recheck.handler';
import { StockSweeper } from './stock/stock-sweeper';
import { KitStock } from './stock/kit-stock';
import { StockUpdatesFeed } from './stock/stock-updates-feed';
import { StockFeed1764200000505 } from './migrations/1764200000505-stock-feed';
import { PriceAdminController } from './prices/price-admin.controller';
import { PriceNotificationHandler } from './prices/price-notification.handler';
import { PricePushService } from './prices/price-push.service';
import { PricePusher } from './prices/price-pusher';
import { PricesRepository } from './prices/prices.repository';
import { StockNotificationHandler } from './stock/stock-notification.handler';
import { StockPushService } from './stock/stock-push.service';
import { StockPusher } from './stock/stock-pusher';
import { StockRepository } from './stock/stock.repository';

@Module({})
export class CatalogAppModule {
  static forConfig(config: EncryptionConfig): DynamicModule {
    return {
      module: CatalogAppModule,
      imports: [
        ServiceFoundationModule.forService({
          service: 'catalog',
          config,
          connectionsConsumer: Consumers.catalogConnections,
          consumers: [Consumers.catalogStock, Consumers.catalogPrices, Consumers.catalogImportedOrders],
          streams: [Streams.TINY_NOTIFICATIONS, Streams.ORDERS_EVENTS],
          migrations: [Stock1764200000500, Prices1764200000501, StockFreshness1764200000503, StockReconciliation1764200000504, StockFeed1764200000505],
        }),
        ApiBudgetModule.forRoot(config.DATABASE_URL),
      ],
      controllers: [StockAdminController, PriceAdminController],
      providers: [
        ConnectionClients,
        StockRepository,
        KitStock,
        StockPushService,
        StockPusher,
        StockNotificationHandler,
        OrderStockRecheckHandler,
        StockSweeper,
        StockUpdatesFeed,
        PricesRepository,
        PricePushService,
        PricePusher,
        PriceNotificationHandler,
      ],
    };
  }
}
