import 'reflect-metadata';
import { bootstrapService, EncryptionConfig, loadConfig, runMain } from '@hub/platform';
import { StatusSyncAppModule } from './app.module';

runMain('status-sync', async () => {
  const config = loadConfig(EncryptionConfig);
  await bootstrapService(StatusSyncAppModule.forConfig(config), { service: 'status-sync', config, defaultPort: 3004 });
});
