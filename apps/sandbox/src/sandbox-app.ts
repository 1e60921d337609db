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

/** A sandbox listening on a free port of 127.0.0.1, for tests: its app, its base URL, and how to stop it. */
export async function startSandbox(options: SandboxOptions = {}): Promise<{ app: NestExpressApplication; base: string }> {
  const app = await createSandboxApp({ logRequests: false, ...options });
  await app.listen(0, '127.0.0.1');
  return { app, base: sandboxUrl(app) };
}

/**
 * A POST to the sandbox's control API (or any JSON route) for tests: the parsed answer, or an error naming the
 * status and body when it is not 2xx.
 */
export function controlOf(base: () => string) {
  return async <T = unknown>(path: string, body: unknown): Promise<T> => {
    const response = await fetch(`${base()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`sandbox POST ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}
