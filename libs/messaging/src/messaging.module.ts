import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { ConsumerDefinition, ServiceName, StreamDefinition } from '@hub/contracts';
import { ConsumerRunner } from './consumer/consumer-runner';
import { JetStreamConnection, NatsHealthIndicator } from './nats/jetstream-connection';
import { MessagePublisher } from './nats/message-publisher';
import { provisionConsumers, provisionStreams } from './nats/provisioner';
import { Outbox } from './outbox/outbox';
import { OutboxRelay } from './outbox/outbox-relay';
import { createParkingController } from './parking/parking.controller';
import { ParkingService } from './parking/parking.service';

export interface MessagingOptions {
  service: ServiceName;
  natsUrl: string;
  /** Streams this service publishes to or consumes from. */
  streams: readonly StreamDefinition[];
  /** Durable consumers this service owns. */
  consumers: readonly ConsumerDefinition[];
  replicas?: number;
  /** Run the outbox relay in this process (default true). */
  relay?: boolean;
}

/**
 * JetStream for a service: connects, provisions its streams and consumers, runs the @JetStreamHandler
 * loops, the outbox relay and the parking lot, and drains on shutdown. Needs the service's DataSource.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      controllers: [createParkingController(options.service)],
      providers: [
        {
          provide: JetStreamConnection,
          useFactory: async () => {
            const connection = new JetStreamConnection();
            await connection.open(options.natsUrl, options.service);
            await provisionStreams(connection.jsm, options.streams, options.replicas ?? 1);
            await provisionConsumers(connection.jsm, options.consumers);
            return connection;
          },
        },
        NatsHealthIndicator,
        MessagePublisher,
        Outbox,
        ParkingService,
        ConsumerRunner,
        ...(options.relay === false ? [] : [OutboxRelay]),
      ],
      exports: [JetStreamConnection, NatsHealthIndicator, MessagePublisher, Outbox, ParkingService, ConsumerRunner],
    };
  }
}
