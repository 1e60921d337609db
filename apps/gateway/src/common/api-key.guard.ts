import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { constantTimeEquals } from '@hub/platform';

export class AdminApiKeys {
  constructor(readonly keys: readonly string[]) {}
}

/** Bearer API keys from ADMIN_API_KEYS; compared in constant time. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly apiKeys: AdminApiKeys) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) throw new UnauthorizedException('missing "Authorization: Bearer <admin API key>" header');
    const presented = match[1]!.trim();
    let ok = false;
    for (const key of this.apiKeys.keys) ok = constantTimeEquals(presented, key) || ok;
    if (!ok) throw new UnauthorizedException('invalid admin API key');
    return true;
  }
}
