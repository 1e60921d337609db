import { Module, type DynamicModule } from '@nestjs/common';
import { Consumers } from '@hub/contracts';
import { ServiceFoundationModule } from '@hub/connections';
import type { EncryptionConfig } from '@hub/platform';

@Module({})
export class StatusSyncAppModule {
  static forConfig(config: EncryptionConfig): DynamicModule {
    return {
      module: StatusSyncAppModule,
      imports: [ServiceFoundationModule.forService({ service: 'status-sync', config, connectionsConsumer: Consumers.statusSyncConnections })],
    };
  }
}
