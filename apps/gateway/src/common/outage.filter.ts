import { type ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { counter, isDependencyOutage, OUTAGE_RETRY_AFTER_SECONDS } from '@hub/platform';

const outages = counter('hub_gateway_unavailable_total', 'Requests answered 503 because a dependency was down', ['route']);

/**
 * Requests that fail because PostgreSQL or NATS is down answer 503 with Retry-After, never 500: Tiny retries
 * a notification answered 503 (and would drop one answered 200), and an operator's panel shows "try again".
 * On the webhook routes no error at all becomes a 500: what could not be stored is asked for again.
 */
@Catch()
export class DependencyOutageFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('DependencyOutageFilter');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return super.catch(exception, host);
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (exception instanceof HttpException) {
      if (exception.getStatus() === 503 && !res.headersSent) res.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
      return super.catch(exception, host);
    }
    const webhook = req.path?.startsWith('/webhooks/');
    if (!isDependencyOutage(exception) && !webhook) return super.catch(exception, host);
    const route = webhook ? 'webhooks' : 'api';
    outages.inc({ route });
    this.logger.warn({ msg: 'answered 503: a dependency is unavailable', route, err: exception instanceof Error ? exception.message : String(exception) });
    if (res.headersSent) return;
    res
      .status(503)
      .setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS))
      .json({ statusCode: 503, error: 'Service Unavailable', message: 'a dependency (database or message broker) is unavailable; retry later' });
  }
}
