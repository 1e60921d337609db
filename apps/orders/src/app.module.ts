import { Module, type DynamicModule } from '@nestjs/common';
import { ApiBudgetModule } from '@hub/budget';
import { Consumers, Streams } from '@hub/contracts';
import { ServiceFoundationModule } from '@hub/connections';
import { loadSettings, type EncryptionConfig } from '@hub/platform';
import { OrdersAdminController } from './admin/orders-admin.controller';
import { ConnectionClients } from '@hub/integrations';
import { IderisOrderPoller } from './discovery/ideris-order.poller';
import { OrderImportHandler } from './import/order-import.handler';
import { OrderImportService } from './import/order-import.service';
import { OrderImportTurns } from './import/order-import-turns';
import { OrderSyncRepository } from './import/order-sync.repository';
import { Orders1764200000400 } from './migrations/1764200000400-orders';
import { OrderDetailCache1764200000401 } from './migrations/1764200000401-order-detail-cache';
import { OrderClaim1764200000402 } from './migrations/1764200000402-order-claim';
import { SkuMappingService } from './sku-mapping/sku-mapping.service';
import { OrderRequeue } from './admin/order-requeue';
import { OrdersFlow } from './admin/orders.flow';
import { OrdersWorkIndexes1764800000100 } from './migrations/1764800000100-dash-api-work-indexes';
import { createWorkAdminController, ParkedMessagesFlow, WORK_FLOW_SOURCES } from '@hub/work';
import { ParkingService } from '@hub/messaging';
import { MarketplaceAccountRepository } from './marketplaces/marketplace-account.repository';
import { MarketplaceSelectionService } from './marketplaces/marketplace-selection.service';
import { MarketplaceAccounts1764800000100 } from './migrations/1764800000100-fid-ideris-marketplace-accounts';
import { OrderMarketplaceDayIndex1764850000400 } from './migrations/1764850000400-order-marketplace-day-index';
import { OrderImportTurns1765200000400 } from './migrations/1765200000400-order-import-turns';
import { OrdersSettings } from './orders.settings';

@Module({})
export class OrdersAppModule {
  static forConfig(config: EncryptionConfig): DynamicModule {
    // The service's own settings, validated now (a bad value stops the start); its loops read them by name.
    loadSettings(OrdersSettings);
    return {
      module: OrdersAppModule,
      imports: [
        ServiceFoundationModule.forService({
          service: 'orders',
          config,
          connectionsConsumer: Consumers.ordersConnections,
          consumers: [Consumers.ordersImport],
          streams: [Streams.ORDERS_WORK, Streams.ORDERS_EVENTS],
          migrations: [Orders1764200000400, OrderDetailCache1764200000401, OrderClaim1764200000402, OrdersWorkIndexes1764800000100, MarketplaceAccounts1764800000100, OrderMarketplaceDayIndex1764850000400, OrderImportTurns1765200000400],
        }),
        ApiBudgetModule.forRoot(config.DATABASE_URL),
      ],
      controllers: [OrdersAdminController, createWorkAdminController('orders')],
      providers: [
        ConnectionClients, OrderSyncRepository, SkuMappingService, OrderImportService, OrderImportTurns, OrderImportHandler, IderisOrderPoller, OrderRequeue, OrdersFlow, MarketplaceAccountRepository, MarketplaceSelectionService,
        { provide: WORK_FLOW_SOURCES, useFactory: (orders: OrdersFlow, parking: ParkingService) => [orders, new ParkedMessagesFlow('orders', parking)], inject: [OrdersFlow, ParkingService] },
      ],
    };
  }
}
