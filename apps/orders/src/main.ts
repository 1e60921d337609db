import 'reflect-metadata';
import { bootstrapService, EncryptionConfig, loadConfig, runMain } from '@hub/platform';
import { OrdersAppModule } from './app.module';

runMain('orders', async () => {
  const config = loadConfig(EncryptionConfig);
  await bootstrapService(OrdersAppModule.forConfig(config), { service: 'orders', config, defaultPort: 3001 });
});
