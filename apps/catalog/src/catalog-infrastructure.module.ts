import { Module, type DynamicModule } from '@nestjs/common';
import { ApiBudgetModule } from '@hub/budget';
import { Consumers, Streams } from '@hub/contracts';
import { ServiceFoundationModule } from '@hub/connections';
import { ConnectionClients } from '@hub/integrations';
import type { EncryptionConfig } from '@hub/platform';
import { Stock1764200000500 } from './migrations/1764200000500-stock';
import { Prices1764200000501 } from './migrations/1764200000501-prices';
import { Products1764200000502 } from './migrations/1764200000502-products';
import { StockFreshness1764200000503 } from './migrations/1764200000503-stock-freshness';
import { StockReconciliation1764200000504 } from './migrations/1764200000504-stock-reconciliation';
import { StockFeed1764200000505 } from './migrations/1764200000505-stock-feed';
import { CatalogWorkIndexes1764800000500 } from './migrations/1764800000500-dash-api-work-indexes';
import { PriceFreshness1764900000500 } from './migrations/1764900000500-price-freshness';
import { StockDoubt1764900000501 } from './migrations/1764900000501-stock-doubt';
import { ProductSyncClaimHolder1764900000502 } from './migrations/1764900000502-product-sync-claim-holder';

/**
 * What catalog's stock, prices and products modules stand on: the service foundation (schema `catalog` and its
 * migrations, JetStream with catalog's streams and consumers, the connection read model), the shared API budget,
 * and one `ConnectionClients` (one Ideris login per connection version for the whole process). Global, so each
 * feature module sees `ConnectionDirectory` and `ConnectionClients` without a config of its own.
 */
@Module({})
export class CatalogInfrastructureModule {
  static forConfig(config: EncryptionConfig): DynamicModule {
    return {
      module: CatalogInfrastructureModule,
      global: true,
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
      providers: [ConnectionClients],
      exports: [ServiceFoundationModule, ConnectionClients],
    };
  }
}
