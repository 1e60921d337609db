import type { Server } from './webhooks/http-types';
import type { INestApplication } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json } from 'express';
import { DependencyOutageFilter } from './common/outage.filter';
import { createValidationPipe } from './common/validation';
import { serveDashboard } from './dashboard/dashboard-static';
import type { GatewayConfig } from './gateway.config';
import { installTinyWebhookFastPath } from './webhooks/tiny-webhook.fast-path';
import { TinyWebhookReceiver } from './webhooks/tiny-webhook.receiver';

/**
 * HTTP set-up shared by main and the tests: JSON bodies only under /api (webhooks read their raw body
 * themselves, with their own limit), validation, OpenAPI at /api/docs, and the operator dashboard at `/`
 * when it was built (apps/dashboard → dist/dashboard). Tiny's notifications take a raw fast path in front of
 * express and Nest (ADR 0026).
 */
export function configureGatewayHttp(app: INestApplication, config: GatewayConfig): void {
  app.use('/api', json({ limit: config.ADMIN_BODY_LIMIT }));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new DependencyOutageFilter(app.get(HttpAdapterHost).httpAdapter));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tiny ⇄ Ideris hub — admin API')
      .setDescription('Connections, operations and the Tiny webhook URLs. Authenticate with `Authorization: Bearer <ADMIN_API_KEYS entry>`.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  serveDashboard(app);
  const server = app.getHttpServer() as Server;
  installTinyWebhookFastPath(server, app.get(TinyWebhookReceiver));
  keepConnectionsLongerThanClients(server);
}

/** The two timeouts of Node's HTTP server this sets. */
export interface KeepAliveTimeouts {
  keepAliveTimeout: number;
  headersTimeout: number;
}

/**
 * Node closes an idle keep-alive connection after 5 s, about when Tiny's client, a load balancer or undici (4 s)
 * may send the next request on it: that request is reset (ECONNRESET) and, for a webhook, is only retried if the
 * sender retries. The gateway keeps idle connections for 65 s, longer than the usual 60 s of load balancers, so the
 * client side closes first; headers must arrive within a little more than that.
 */
export function keepConnectionsLongerThanClients(server: KeepAliveTimeouts): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}
