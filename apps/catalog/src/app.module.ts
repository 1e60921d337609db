import { Module, type DynamicModule } from '@nestjs/common';
import { ApiBudgetModule } from '@hub/budget';
import { Consumers, Streams } from '@hub/contracts';
import { ServiceFoundationModule } from '@hub/connections';
import type { EncryptionConfig } from '@hub/platform';
import { StockAdminController } from './admin/stock-admin.controller';
import { ConnectionClients } from './clients/connection-clients';
import { Stock1764200000500 } from './migrations/1764200000500-stock';
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
          consumers: [Consumers.catalogStock],
          streams: [Streams.TINY_NOTIFICATIONS],
          migrations: [Stock1764200000500],
        }),
        ApiBudgetModule.forRoot(config.DATABASE_URL),
      ],
      controllers: [StockAdminController],
      providers: [ConnectionClients, StockRepository, StockPushService, StockPusher, StockNotificationHandler],
    };
  }
}
