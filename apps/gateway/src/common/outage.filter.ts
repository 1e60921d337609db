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
      if (exception.getStatus() === 503 && !res.headersSent) res.setHeader('Retry-After', RETRY_AFTER);
      return super.catch(exception, host);
    }
    const webhook = req.path?.startsWith('/webhooks/');
    if (!isDependencyOutage(exception) && !webhook) return super.catch(exception, host);
    const body = countOutage(webhook ? 'webhooks' : 'api', exception, this.logger);
    if (res.headersSent) return;
    res.status(503).setHeader('Retry-After', RETRY_AFTER).json(body);
  }
}

const RETRY_AFTER = String(OUTAGE_RETRY_AFTER_SECONDS);
const outageLogger = new Logger('DependencyOutageFilter');

/** Counts and logs a request answered 503 because a dependency failed; the body to answer it with. */
export function countOutage(route: 'webhooks' | 'api', exception: unknown, logger: Logger = outageLogger): { statusCode: 503; error: string; message: string } {
  outages.inc({ route });
  logger.warn({ msg: 'answered 503: a dependency is unavailable', route, err: exception instanceof Error ? exception.message : String(exception) });
  return { statusCode: 503, error: 'Service Unavailable', message: 'a dependency (database or message broker) is unavailable; retry later' };
}

/**
 * The answer the webhook routes give an error, as this filter gives it through Nest: an HttpException's own status
 * and body (503 with Retry-After), anything else 503 with Retry-After — never a 500. For the raw fast path.
 */
export function webhookErrorAnswer(exception: unknown): { status: number; body: unknown; retryAfter?: string } {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const body = typeof response === 'object' && response !== null ? response : { statusCode: status, message: response };
    return status === 503 ? { status, body, retryAfter: RETRY_AFTER } : { status, body };
  }
  return { status: 503, body: countOutage('webhooks', exception), retryAfter: RETRY_AFTER };
}
