import { ForbiddenException, HttpException, Injectable, NotFoundException, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { constantTimeEquals, counter } from '@hub/platform';
import { AccessService } from '../access/access.service';
import { AuthThrottle } from '../access/auth-throttle';
import { ACCESS_KEY, canSee, setPrincipal, type AccessRequirement, type Principal } from '../access/principal';

export class AdminApiKeys {
  constructor(readonly keys: readonly string[]) {}
}

const authFailures = counter('hub_admin_auth_failures_total', 'Admin API requests refused for their key', ['reason']);
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Bearer keys: ADMIN_API_KEYS (compared in constant time; full rights) or stored keys scoped to a set of
 * connections with read or write rights. A connection outside a key's scope answers 404, as one that does
 * not exist, so a key cannot enumerate the others. Failures slow their address down (AuthThrottle).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly throttle = new AuthThrottle();

  constructor(private readonly apiKeys: AdminApiKeys, private readonly access: AccessService, private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const address = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const verdict = this.throttle.verdict(address);
    if (verdict.action === 'block') {
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(verdict.retryAfterSeconds));
      throw new HttpException({ statusCode: 429, error: 'Too Many Requests', message: 'too many failed authentications from this address; wait and retry' }, 429);
    }
    if (verdict.action === 'delay') await new Promise((r) => setTimeout(r, verdict.ms));

    const principal = await this.authenticate(request, address);
    setPrincipal(request, principal);
    this.authorise(context, request, principal);
    return true;
  }

  private async authenticate(request: Request, address: string): Promise<Principal> {
    const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
    if (!match) {
      authFailures.inc({ reason: 'missing' });
      this.throttle.failed(address);
      throw new UnauthorizedException('missing "Authorization: Bearer <API key>" header');
    }
    const presented = match[1]!.trim();
    let envKey: string | undefined;
    for (const key of this.apiKeys.keys) if (constantTimeEquals(presented, key)) envKey = key;
    if (envKey) return { actor: `env:${envKey.slice(0, 6)}…`, keyId: null, rights: 'write', connectionIds: null, admin: true };
    const stored = await this.access.principalFor(presented);
    if (stored) return stored;
    authFailures.inc({ reason: 'invalid' });
    this.throttle.failed(address);
    throw new UnauthorizedException('invalid or revoked API key');
  }

  private authorise(context: ExecutionContext, request: Request, principal: Principal): void {
    const requirement = this.reflector.getAllAndOverride<AccessRequirement | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]);
    if (requirement === 'admin' && !principal.admin) throw new ForbiddenException('this needs an administrator key (ADMIN_API_KEYS)');
    if (requirement === 'all-connections' && principal.connectionIds !== null) throw new ForbiddenException('this key is limited to some connections; this route spans all of them');
    if (!READ_METHODS.has(request.method) && principal.rights !== 'write') throw new ForbiddenException('this key is read-only');
    const connectionId = connectionIdOf(request);
    if (connectionId && !canSee(principal, connectionId)) throw new NotFoundException(`no connection with id ${connectionId}`);
  }
}

/** The connection a route names: `:connectionId`, or `:id` under /api/v1/connections. */
export function connectionIdOf(request: Request): string | undefined {
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  if (params['connectionId']) return params['connectionId'];
  if (params['id'] && /^\/api\/v1\/connections\/[^/]+/.test(request.path)) return params['id'];
  return undefined;
}
