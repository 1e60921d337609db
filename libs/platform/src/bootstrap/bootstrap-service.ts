import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { createRootLogger, JsonLogger } from '../logging/json-logger';
import { correlationMiddleware } from '../logging/correlation.middleware';
import type { BaseServiceConfig } from '../config/service-config';
import { installProcessGuards } from './process-guard';

/**
 * nats.js gives up after 10 reconnect attempts (~20 s) and then stays closed for good: a NATS restart
 * longer than that would leave a service deaf to requests until someone restarted it.
 */
export const NATS_RECONNECT_FOREVER = { maxReconnectAttempts: -1, reconnectTimeWait: 1000, waitOnFirstConnect: true } as const;

export interface BootstrapOptions {
  service: string;
  config: BaseServiceConfig;
  defaultPort: number;
  /** Extra HTTP set-up (body limits, OpenAPI) before listening. */
  configure?: (app: INestApplication) => void | Promise<void>;
}

/**
 * Starts a service: JSON logs, NATS request/reply (Nest's transport, queue group per service so replicas
 * share requests), HTTP for health/metrics/admin, and graceful shutdown on SIGTERM (consumers stop, in-flight
 * work finishes, NATS drains).
 */
export async function bootstrapService(module: Type<unknown> | DynamicModule, options: BootstrapOptions): Promise<INestApplication> {
  const root = createRootLogger(options.service, options.config.LOG_LEVEL);
  const logger = new JsonLogger(root);
  installProcessGuards(root);
  const app = await NestFactory.create(module, { logger, bufferLogs: true, bodyParser: false });
  // With bufferLogs, Nest keeps its own lines (the exceptions handler's included) until a logger is set.
  app.useLogger(logger);
  app.enableShutdownHooks();
  app.use(correlationMiddleware);
  app.connectMicroservice<MicroserviceOptions>(
    { transport: Transport.NATS, options: { servers: options.config.NATS_URL.split(','), queue: options.service, name: `${options.service}-rpc`, ...NATS_RECONNECT_FOREVER } },
    { inheritAppConfig: true },
  );
  await options.configure?.(app);
  await app.startAllMicroservices();
  const port = options.config.PORT ?? options.defaultPort;
  await app.listen(port, '0.0.0.0');
  root.info({ port, url: `http://127.0.0.1:${port}` }, `${options.service} ready`);
  return app;
}

/** Runs `main`, printing a configuration error as one clear message and exiting non-zero. */
export function runMain(service: string, main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${JSON.stringify({ level: 'fatal', service, msg: `${service} failed to start`, error: message })}\n`);
    process.exit(1);
  });
}
