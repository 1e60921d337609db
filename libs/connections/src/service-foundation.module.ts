import { Module, type DynamicModule } from '@nestjs/common';
import { Streams, type ConsumerDefinition, type ServiceName, type StreamDefinition } from '@hub/contracts';
import { MessagingModule, MessagingTables1764200000000, NatsHealthIndicator } from '@hub/messaging';
import { DatabaseHealthIndicator, DatabaseModule, HealthModule, MetricsController, type EncryptionConfig } from '@hub/platform';
import { ConnectionView1764200000100 } from './connection-view.migration';
import { ConnectionViewNotificationUrls1764801500100 } from './connection-view-notification-urls.migration';
import { ConnectionsReadModelModule } from './connections-read-model.module';

export interface ServiceFoundationOptions {
  service: Exclude<ServiceName, 'gateway'>;
  config: EncryptionConfig;
  /** The consumer that feeds this service's connection read model. */
  connectionsConsumer: ConsumerDefinition;
  /** The service's own consumers and streams, besides the connection events. */
  consumers?: readonly ConsumerDefinition[];
  streams?: readonly StreamDefinition[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: Function[];
}

/**
 * What every worker service stands on: its own PostgreSQL schema (migrated at start-up), JetStream with
 * outbox/inbox/parking, the connection read model, health and metrics.
 */
@Module({})
export class ServiceFoundationModule {
  static forService(options: ServiceFoundationOptions): DynamicModule {
    const schema = options.config.DB_SCHEMA ?? options.service.replace(/-/g, '_');
    return {
      module: ServiceFoundationModule,
      imports: [
        DatabaseModule.forService({
          url: options.config.DATABASE_URL,
          schema,
          poolSize: options.config.DB_POOL_SIZE,
          entities: options.entities ?? [],
          migrations: [MessagingTables1764200000000, ConnectionView1764200000100, ConnectionViewNotificationUrls1764801500100, ...(options.migrations ?? [])],
        }),
        MessagingModule.forRoot({
          service: options.service,
          natsUrl: options.config.NATS_URL,
          replicas: options.config.NATS_REPLICAS,
          streams: [Streams.CONNECTIONS, ...(options.streams ?? [])],
          consumers: [options.connectionsConsumer, ...(options.consumers ?? [])],
        }),
        ConnectionsReadModelModule.forService({ consumer: options.connectionsConsumer, encryptionKey: options.config.HUB_ENCRYPTION_KEY, previousEncryptionKeys: options.config.HUB_ENCRYPTION_KEYS_PREVIOUS }),
        HealthModule.register([DatabaseHealthIndicator, NatsHealthIndicator]),
      ],
      controllers: [MetricsController],
      exports: [ConnectionsReadModelModule],
    };
  }
}
