import { Module, type DynamicModule } from '@nestjs/common';
import { Consumers } from '@hub/contracts';
import { ServiceFoundationModule } from '@hub/connections';
import type { EncryptionConfig } from '@hub/platform';

@Module({})
export class CatalogAppModule {
  static forConfig(config: EncryptionConfig): DynamicModule {
    return {
      module: CatalogAppModule,
      imports: [ServiceFoundationModule.forService({ service: 'catalog', config, connectionsConsumer: Consumers.catalogConnections })],
    };
  }
}
