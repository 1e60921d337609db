import { Module, type DynamicModule } from '@nestjs/common';
import { Consumers } from '@hub/contracts';
import { ServiceFoundationModule } from '@hub/connections';
import type { EncryptionConfig } from '@hub/platform';

@Module({})
export class OrdersAppModule {
  static forConfig(config: EncryptionConfig): DynamicModule {
    return {
      module: OrdersAppModule,
      imports: [ServiceFoundationModule.forService({ service: 'orders', config, connectionsConsumer: Consumers.ordersConnections })],
    };
  }
}
