import { Module, type DynamicModule } from '@nestjs/common';
import { ApiBudgetModule } from '@hub/budget';
import { Consumers, Streams } from '@hub/contracts';
import { ServiceFoundationModule } from '@hub/connections';
import type { NotificationUrlPolicy } from '@hub/ideris';
import type { EncryptionConfig } from '@hub/platform';
import { NOTIFICATION_URL_POLICY, type FiscalShippingConfig } from './fiscal-shipping.config';
import { FiscalAdminController } from './admin/fiscal-admin.controller';
import { OrderBindingRepository } from './bindings/order-binding.repository';
import { OrderImportedHandler } from './bindings/order-imported.handler';
import { ConnectionClients } from '@hub/integrations';
import { DEFAULT_FISCAL_SHIPPING_OPTIONS, FISCAL_SHIPPING_OPTIONS, type FiscalShippingOptions } from './fiscal-shipping.options';
import { InvoiceLocator } from './invoices/invoice-locator';
import { InvoiceNotificationHandler } from './invoices/invoice-notification.handler';
import { InvoiceSyncRepository } from './invoices/invoice-sync.repository';
import { InvoiceSyncService } from './invoices/invoice-sync.service';
import { FiscalShipping1764200000600 } from './migrations/1764200000600-fiscal-shipping';
import { FailedAttempts1764200000601 } from './migrations/1764200000601-failed-attempts';
import { FiscalWorkIndexes1764800000600 } from './migrations/1764800000600-dash-api-work-indexes';
import { DeliveryPaths1764801500300 } from './migrations/1764801500300-fid-seedpath-delivery-paths';
import { UrlConfiguration1764849100100 } from './migrations/1764849100100-fix-review-url-configuration';
import { IderisDeliveries } from './delivery/ideris-delivery';
import { InvoiceCancellationService } from './invoices/invoice-cancellation.service';
import { FiscalRecheckScheduler } from './recheck/fiscal-recheck.scheduler';
import { TrackingNotificationHandler } from './tracking/tracking-notification.handler';
import { TrackingSyncRepository } from './tracking/tracking-sync.repository';
import { TrackingSyncService } from './tracking/tracking-sync.service';
import { createWorkAdminController, ParkedMessagesFlow, WORK_FLOW_SOURCES } from '@hub/work';
import { ParkingService } from '@hub/messaging';
import { InvoicesFlow } from './admin/work/invoices.flow';
import { TrackingFlow } from './admin/work/tracking.flow';

@Module({})
export class FiscalShippingAppModule {
  /** `config` is the service's `FiscalShippingConfig`; suites that start it from an `EncryptionConfig` may add the switch. */
  static forConfig(config: EncryptionConfig & Partial<Pick<FiscalShippingConfig, 'IDERIS_URLS_ALLOW_PRIVATE'>>, options: Partial<FiscalShippingOptions> = {}): DynamicModule {
    const urlPolicy: NotificationUrlPolicy = { allowPrivateAddresses: config.IDERIS_URLS_ALLOW_PRIVATE === true };
    return {
      module: FiscalShippingAppModule,
      imports: [
        ServiceFoundationModule.forService({
          service: 'fiscal-shipping',
          config,
          connectionsConsumer: Consumers.fiscalShippingConnections,
          consumers: [Consumers.fiscalShippingOrders, Consumers.fiscalShippingInvoices, Consumers.fiscalShippingTracking],
          streams: [Streams.ORDERS_EVENTS, Streams.TINY_NOTIFICATIONS],
          migrations: [FiscalShipping1764200000600, FailedAttempts1764200000601, FiscalWorkIndexes1764800000600, DeliveryPaths1764801500300, UrlConfiguration1764849100100],
        }),
        ApiBudgetModule.forRoot(config.DATABASE_URL),
      ],
      controllers: [FiscalAdminController, createWorkAdminController('fiscal-shipping')],
      providers: [
        { provide: FISCAL_SHIPPING_OPTIONS, useValue: { ...DEFAULT_FISCAL_SHIPPING_OPTIONS, ...options } },
        { provide: NOTIFICATION_URL_POLICY, useValue: urlPolicy },
        ConnectionClients,
        IderisDeliveries,
        InvoiceCancellationService,
        OrderBindingRepository,
        OrderImportedHandler,
        InvoiceSyncRepository,
        InvoiceSyncService,
        InvoiceNotificationHandler,
        InvoiceLocator,
        TrackingSyncRepository,
        TrackingSyncService,
        TrackingNotificationHandler,
        FiscalRecheckScheduler,
        InvoicesFlow,
        TrackingFlow,
        {
          provide: WORK_FLOW_SOURCES,
          useFactory: (invoices: InvoicesFlow, tracking: TrackingFlow, parking: ParkingService) => [invoices, tracking, new ParkedMessagesFlow('fiscal-shipping', parking)],
          inject: [InvoicesFlow, TrackingFlow, ParkingService],
        },
      ],
    };
  }
}
