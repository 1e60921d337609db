import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { JsonLogger } from './common/json-logger';
import { requestLogMiddleware } from './common/request-log.middleware';
import { DEFAULT_SANDBOX_CONFIG, type SandboxConfig } from './sandbox.config';
import { SandboxModule } from './sandbox.module';

export type SandboxOptions = Partial<SandboxConfig>;

/** Builds the sandbox without listening, so tests can `listen(0)` and read the port. */
export async function createSandboxApp(options: SandboxOptions = {}): Promise<NestExpressApplication> {
  const config: SandboxConfig = { ...DEFAULT_SANDBOX_CONFIG, ...options };
  const app = await NestFactory.create<NestExpressApplication>(SandboxModule.forRoot(config), {
    bodyParser: false,
    logger: config.logRequests ? new JsonLogger() : false,
  });
  // Ideris v3's login body is a bare JSON string, which the default (strict) JSON parser refuses.
  // The limit leaves room for benchmark bursts (`/control/tiny/stock/burst` with thousands of changes).
  app.useBodyParser('json', { strict: false, limit: '20mb' });
  app.useBodyParser('urlencoded', { extended: false });
  if (config.logRequests) app.use(requestLogMiddleware);
  return app;
}

export function sandboxUrl(app: NestExpressApplication): string {
  const address = app.getHttpServer().address();
  if (typeof address !== 'object' || address === null) throw new Error('sandbox is not listening');
  return `http://127.0.0.1:${address.port}`;
}
