import { HttpException, Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { connectionIdOf } from '../common/api-key.guard';
import { ConnectionsService } from '../connections/connections.service';
import { AccessService } from './access.service';
import type { Principal } from './principal';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Request fields never written to the audit log as they came (credentials, URLs that may carry a token). */
const SECRET_FIELD = /token|key|secret|password|invoiceurl|trackingurl/i;

/**
 * Every admin write (any non-read method under /api with an authenticated principal) is recorded: who, what,
 * when, the connection before and after (when the route names one), the request with secrets redacted, and
 * the status. Recorded after the answer is known; a failed record is logged, never turned into a failed write.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger(AuditInterceptor.name);

  constructor(private readonly access: AccessService, private readonly connections: ConnectionsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    if (READ_METHODS.has(request.method) || !request.path.startsWith('/api/') || !request.principal) return next.handle();
    return from(this.audited(context, request, request.principal, next));
  }

  private async audited(context: ExecutionContext, request: Request, principal: Principal, next: CallHandler): Promise<unknown> {
    const connectionId = connectionIdOf(request) ?? null;
    const before = connectionId ? await this.snapshot(connectionId) : null;
    let status = 500;
    try {
      const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
      status = context.switchToHttp().getResponse<Response>().statusCode;
      const createdId = !connectionId && request.path === '/api/v1/connections' ? (result as { id?: string } | undefined)?.id : undefined;
      const after = connectionId ? await this.snapshot(connectionId) : createdId ? withoutWebhookUrls(result) : redact(result);
      await this.write(principal, request, connectionId ?? createdId ?? null, status, before, after);
      return result;
    } catch (error) {
      status = error instanceof HttpException ? error.getStatus() : 500;
      await this.write(principal, request, connectionId, status, before, { error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  private async snapshot(connectionId: string): Promise<unknown> {
    try {
      return withoutWebhookUrls(await this.connections.get(connectionId));
    } catch {
      return null;
    }
  }

  private async write(principal: Principal, request: Request, connectionId: string | null, status: number, before: unknown, after: unknown): Promise<void> {
    try {
      await this.access.record({ actor: principal.actor, method: request.method, path: request.originalUrl.split('?')[0]!, connectionId, status, before, after, request: { query: request.query, body: redact(request.body) } });
    } catch (error) {
      this.logger.error({ msg: 'audit record failed', method: request.method, path: request.path, err: (error as Error).message });
    }
  }
}

/** A connection's view as the audit log keeps it: the webhook URLs carry the secret, so they never go in. */
function withoutWebhookUrls(view: unknown): unknown {
  if (!view || typeof view !== 'object') return view;
  const urls = (view as { webhookUrls?: unknown }).webhookUrls;
  return redact({ ...(view as object), webhookUrls: urls ? '[redacted]' : null });
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_FIELD.test(k) && v != null && typeof v !== 'object' ? '[redacted]' : redact(v, depth + 1)]));
}
