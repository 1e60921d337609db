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
import { Products1764200000502 } from './migrations/1764200000502-products';
import { CatalogWorkIndexes1764800000500 } from './migrations/1764800000500-dash-api-work-indexes';
import { PriceFreshness1764900000500 } from './migrations/1764900000500-price-freshness';
import { StockDoubt1764900000501 } from './migrations/1764900000501-stock-doubt';
import { ProductSyncClaimHolder1764900000502 } from './migrations/1764900000502-product-sync-claim-holder';
import { PriceAdminController } from './prices/price-admin.controller';
import { PriceNotificationHandler } from './prices/price-notification.handler';
import { PricePushService } from './prices/price-push.service';
import { PricePusher } from './prices/price-pusher';
import { PricesRepository } from './prices/prices.repository';
import { ProductAdminController } from './products/admin/product-admin.controller';
import { ProductImportAdminController } from './products/admin/product-import-admin.controller';
import { ProductViews } from './products/admin/product-views';
import { ProductSyncRepository } from './products/product-sync.repository';
import { IderisProductDiscoveryService } from './products/ideris-to-tiny/ideris-product-discovery.service';
import { ProductImportScheduler } from './products/ideris-to-tiny/product-import.scheduler';
import { ProductImportsRepository } from './products/ideris-to-tiny/product-imports.repository';
import { TinyProductWriteService } from './products/ideris-to-tiny/tiny-product-write.service';
import { TinyProductWriter } from './products/ideris-to-tiny/tiny-product-writer';
import { IderisProductPushService } from './products/tiny-to-ideris/ideris-product-push.service';
import { IderisProductPusher } from './products/tiny-to-ideris/ideris-product-pusher';
import { TinyProductNoticeService } from './products/tiny-to-ideris/tiny-product-notice.service';
import { TinyProductNotificationHandler } from './products/tiny-to-ideris/tiny-product-notification.handler';
import { TinyProductReplyController } from './products/tiny-to-ideris/tiny-product-reply.controller';
import { StockNotificationHandler } from './stock/stock-notification.handler';
import { StockPushService } from './stock/stock-push.service';
import { StockPusher } from './stock/stock-pusher';
import { StockRepository } from './stock/stock.repository';
import { createWorkAdminController, ParkedMessagesFlow, WORK_FLOW_SOURCES } from '@hub/work';
import { ParkingService } from '@hub/messaging';
import { StockFlow } from './admin/work/stock.flow';
import { PricesFlow } from './admin/work/prices.flow';
import { ProductsFlow } from './admin/work/products.flow';
import { TinyProductSearchController } from './admin/work/tiny-product-search.controller';

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
          consumers: [Consumers.catalogStock, Consumers.catalogPrices, Consumers.catalogImportedOrders, Consumers.catalogProducts],
          streams: [Streams.TINY_NOTIFICATIONS, Streams.ORDERS_EVENTS],
          migrations: [Stock1764200000500, Prices1764200000501, Products1764200000502, StockFreshness1764200000503, StockReconciliation1764200000504, StockFeed1764200000505, CatalogWorkIndexes1764800000500, PriceFreshness1764900000500, StockDoubt1764900000501, ProductSyncClaimHolder1764900000502],
        }),
        ApiBudgetModule.forRoot(config.DATABASE_URL),
      ],
      controllers: [StockAdminController, PriceAdminController, TinyProductReplyController, ProductAdminController, ProductImportAdminController, TinyProductSearchController, createWorkAdminController('catalog')],
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
        ProductSyncRepository,
        ProductViews,
        TinyProductNoticeService,
        TinyProductNotificationHandler,
        IderisProductPushService,
        IderisProductPusher,
        ProductImportsRepository,
        IderisProductDiscoveryService,
        TinyProductWriteService,
        TinyProductWriter,
        ProductImportScheduler,
        StockFlow,
        PricesFlow,
        ProductsFlow,
        {
          provide: WORK_FLOW_SOURCES,
          useFactory: (stock: StockFlow, prices: PricesFlow, products: ProductsFlow, parking: ParkingService) => [stock, prices, products, new ParkedMessagesFlow('catalog', parking)],
          inject: [StockFlow, PricesFlow, ProductsFlow, ParkingService],
        },
      ],
    };
  }
}
