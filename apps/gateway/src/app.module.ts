import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { ApiBudgetModule } from '@hub/budget';
import { Streams } from '@hub/contracts';
import { MessagingModule, MessagingTables1764200000000, NatsHealthIndicator } from '@hub/messaging';
import { DatabaseHealthIndicator, DatabaseModule, HealthModule, MetricsController, NATS_RECONNECT_FOREVER, SecretBox } from '@hub/platform';
import { AccessController } from './access/access.controller';
import { AccessService } from './access/access.service';
import { AuditInterceptor } from './access/audit.interceptor';
import { ParkedMessagesController } from './admin/parked-messages.controller';
import { RPC_CLIENT, ServiceRpc } from './admin/rpc-client';
import { OrdersController } from './orders/orders.controller';
import { MarketplacesController } from './orders/marketplaces.controller';
import { FiscalController } from './fiscal/fiscal.controller';
import { StatusController } from './status/status.controller';
import { PricesController } from './catalog/prices.controller';
import { StockController } from './catalog/stock.controller';
import { ProductsController } from './catalog/products.controller';
import { AdminApiKeys, ApiKeyGuard } from './common/api-key.guard';
import { DashboardController } from './dashboard/dashboard.controller';
import { DASHBOARD_PROVIDERS } from './dashboard/dashboard.providers';
import { ConnectionEntity } from './connections/connection.entity';
import { ConnectionsController } from './connections/connections.controller';
import { ConnectionsService, PublicUrl } from './connections/connections.service';
import { CredentialVerifier } from './connections/credential-verifier';
import type { GatewayConfig } from './gateway.config';
import { Connections1764200000200 } from './migrations/1764200000200-connections';
import { Access1764800000210 } from './migrations/1764800000210-rel-infra-access';
import { IderisNotificationUrls1764801500200 } from './migrations/1764801500200-fid-seedpath-ideris-notification-urls';
import { parseByteLimit } from './webhooks/raw-body';
import { TinyWebhookController } from './webhooks/tiny-webhook.controller';
import { TinyWebhookReceiver, WebhookBodyLimit } from './webhooks/tiny-webhook.receiver';
import { TinyNotificationIntake } from './webhooks/tiny-notification.intake';
import { TinyProductWebhook } from './webhooks/tiny-product.webhook';
import { WebhookConnectionCache } from './webhooks/webhook-connection.cache';

@Module({})
export class GatewayAppModule {
  static forConfig(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayAppModule,
      imports: [
        DatabaseModule.forService({
          url: config.DATABASE_URL,
          schema: config.DB_SCHEMA ?? 'gateway',
          poolSize: config.DB_POOL_SIZE,
          entities: [ConnectionEntity],
          migrations: [MessagingTables1764200000000, Connections1764200000200, Access1764800000210, IderisNotificationUrls1764801500200],
        }),
        MessagingModule.forRoot({
          service: 'gateway',
          natsUrl: config.NATS_URL,
          replicas: config.NATS_REPLICAS,
          streams: [Streams.CONNECTIONS, Streams.TINY_NOTIFICATIONS],
          consumers: [],
        }),
        ClientsModule.register([{ name: RPC_CLIENT, transport: Transport.NATS, options: { servers: config.NATS_URL.split(','), name: 'gateway-rpc-client', ...NATS_RECONNECT_FOREVER } }]),
        HealthModule.register([DatabaseHealthIndicator, NatsHealthIndicator]),
        ApiBudgetModule.forRoot(config.DATABASE_URL),
      ],
      controllers: [AccessController, ConnectionsController, TinyWebhookController, ParkedMessagesController, OrdersController, MarketplacesController, FiscalController, StatusController, PricesController, StockController, ProductsController, MetricsController, DashboardController],
      providers: [
        AccessService,
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        { provide: SecretBox, useValue: SecretBox.fromConfig(config) },
        { provide: AdminApiKeys, useValue: new AdminApiKeys(config.ADMIN_API_KEYS) },
        { provide: PublicUrl, useValue: new PublicUrl(config.PUBLIC_BASE_URL) },
        { provide: WebhookBodyLimit, useValue: new WebhookBodyLimit(parseByteLimit(config.WEBHOOK_BODY_LIMIT)) },
        ApiKeyGuard,
        ServiceRpc,
        ConnectionsService,
        CredentialVerifier,
        WebhookConnectionCache,
        TinyNotificationIntake,
        TinyProductWebhook,
        TinyWebhookReceiver,
        ...DASHBOARD_PROVIDERS,
      ],
    };
  }
}
