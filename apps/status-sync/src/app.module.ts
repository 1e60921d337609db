import { Module, type DynamicModule } from '@nestjs/common';
import { ApiBudgetModule } from '@hub/budget';
import { Consumers, Streams } from '@hub/contracts';
import { ServiceFoundationModule } from '@hub/connections';
import { loadSettings, type EncryptionConfig } from '@hub/platform';
import { StatusAdminController } from './admin/status-admin.controller';
import { ConnectionClients } from '@hub/integrations';
import { IderisStatusPoller } from './ideris-to-tiny/ideris-status.poller';
import { StatusSync1764200000700 } from './migrations/1764200000700-status-sync';
import { LongOpenOrders1764200000701 } from './migrations/1764200000701-long-open-orders';
import { StatusWorkIndexes1764800000700 } from './migrations/1764800000700-dash-api-work-indexes';
import { OrderStatusSyncService } from './order-status/order-status-sync.service';
import { OrderStatusRepository } from './order-status/order-status.repository';
import { ImportedOrderHandler } from './read-model/imported-order.handler';
import { StatusMapService } from './status-map/status-map.service';
import { TinySituationHandler } from './tiny-to-ideris/tiny-situation.handler';
import { createWorkAdminController, ParkedMessagesFlow, WORK_FLOW_SOURCES } from '@hub/work';
import { ParkingService } from '@hub/messaging';
import { StatusFlow } from './admin/work/status.flow';
import { StatusSyncSettings } from './status-sync.settings';

@Module({})
export class StatusSyncAppModule {
  static forConfig(config: EncryptionConfig): DynamicModule {
    // The service's own settings, validated now (a bad value stops the start); its loops read them by name.
    loadSettings(StatusSyncSettings);
    return {
      module: StatusSyncAppModule,
      imports: [
        ServiceFoundationModule.forService({
          service: 'status-sync',
          config,
          connectionsConsumer: Consumers.statusSyncConnections,
          consumers: [Consumers.statusSyncOrders, Consumers.statusSyncSituations, Consumers.statusSyncOrderUpdates],
          streams: [Streams.ORDERS_EVENTS, Streams.TINY_NOTIFICATIONS],
          migrations: [StatusSync1764200000700, LongOpenOrders1764200000701, StatusWorkIndexes1764800000700],
        }),
        ApiBudgetModule.forRoot(config.DATABASE_URL),
      ],
      controllers: [StatusAdminController, createWorkAdminController('status-sync')],
      providers: [ConnectionClients, OrderStatusRepository, StatusMapService, OrderStatusSyncService, ImportedOrderHandler, TinySituationHandler, IderisStatusPoller, StatusFlow,
        {
          provide: WORK_FLOW_SOURCES,
          useFactory: (status: StatusFlow, parking: ParkingService) => [status, new ParkedMessagesFlow('status-sync', parking)],
          inject: [StatusFlow, ParkingService],
        },
      ],
    };
  }
}
