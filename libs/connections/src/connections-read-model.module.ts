import { Injectable, Logger, Module, type DynamicModule } from '@nestjs/common';
import { ConnectionEvents, type ConnectionChangedV1, type ConsumerDefinition } from '@hub/contracts';
import { JetStreamHandler, type MessageContext } from '@hub/messaging';
import { SecretBox } from '@hub/platform';
import { ConnectionDirectory } from './connection-directory';

/** Creates the projection class bound to one service's durable consumer. */
function createProjection(consumer: ConsumerDefinition) {
  @Injectable()
  class ConnectionProjection {
    private readonly logger = new Logger('ConnectionProjection');
    constructor(private readonly directory: ConnectionDirectory) {}

    async handle(ctx: MessageContext<ConnectionChangedV1>): Promise<void> {
      const applied = await this.directory.apply(ctx.manager, ctx.payload);
      this.logger.log({ msg: applied ? 'connection view updated' : 'stale connection event ignored', connectionId: ctx.payload.connectionId, version: ctx.payload.version, situation: ctx.payload.situation });
    }
  }
  const descriptor = Object.getOwnPropertyDescriptor(ConnectionProjection.prototype, 'handle')!;
  JetStreamHandler(consumer, ConnectionEvents.changed, { concurrency: 1 })(ConnectionProjection.prototype, 'handle', descriptor);
  return ConnectionProjection;
}

@Module({})
export class ConnectionsReadModelModule {
  static forService(options: { consumer: ConsumerDefinition; encryptionKey: string; previousEncryptionKeys?: string }): DynamicModule {
    return {
      module: ConnectionsReadModelModule,
      providers: [
        { provide: SecretBox, useValue: SecretBox.fromConfig({ HUB_ENCRYPTION_KEY: options.encryptionKey, HUB_ENCRYPTION_KEYS_PREVIOUS: options.previousEncryptionKeys }) },
        ConnectionDirectory,
        createProjection(options.consumer),
      ],
      exports: [ConnectionDirectory],
    };
  }
}
