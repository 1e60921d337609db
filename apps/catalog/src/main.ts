import 'reflect-metadata';
import { bootstrapService, EncryptionConfig, loadConfig, runMain } from '@hub/platform';
import { CatalogAppModule } from './app.module';

runMain('catalog', async () => {
  const config = loadConfig(EncryptionConfig);
  await bootstrapService(CatalogAppModule.forConfig(config), { service: 'catalog', config, defaultPort: 3002 });
});
