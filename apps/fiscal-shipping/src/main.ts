import 'reflect-metadata';
import { bootstrapService, EncryptionConfig, loadConfig, runMain } from '@hub/platform';
import { FiscalShippingAppModule } from './app.module';

runMain('fiscal-shipping', async () => {
  const config = loadConfig(EncryptionConfig);
  await bootstrapService(FiscalShippingAppModule.forConfig(config), { service: 'fiscal-shipping', config, defaultPort: 3003 });
});
