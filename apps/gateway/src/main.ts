import 'reflect-metadata';
import { bootstrapService, loadConfig, runMain } from '@hub/platform';
import { GatewayAppModule } from './app.module';
import { GatewayConfig } from './gateway.config';
import { configureGatewayHttp } from './gateway.http';

runMain('gateway', async () => {
  const config = loadConfig(GatewayConfig);
  await bootstrapService(GatewayAppModule.forConfig(config), { service: 'gateway', config, defaultPort: 3000, configure: (app) => configureGatewayHttp(app, config) });
});
