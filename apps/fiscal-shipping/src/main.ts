import 'reflect-metadata';
import { bootstrapService, loadConfig, runMain } from '@hub/platform';
import { FiscalShippingAppModule } from './app.module';
import { FiscalShippingConfig } from './fiscal-shipping.config';

runMain('fiscal-shipping', async () => {
  const config = loadConfig(FiscalShippingConfig);
  await bootstrapService(FiscalShippingAppModule.forConfig(config), { service: 'fiscal-shipping', config, defaultPort: 3003 });
});
