import { Module, type DynamicModule } from '@nestjs/common';
import { Consumers } from '@hub/contracts';
import { ServiceFoundationModule } from '@hub/connections';
import type { EncryptionConfig } from '@hub/platform';

@Module({})
export class FiscalShippingAppModule {
  static forConfig(config: EncryptionConfig): DynamicModule {
    return {
      module: FiscalShippingAppModule,
      imports: [ServiceFoundationModule.forService({ service: 'fiscal-shipping', config, connectionsConsumer: Consumers.fiscalShippingConnections })],
    };
  }
}
