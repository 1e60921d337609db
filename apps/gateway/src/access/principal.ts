import { SetMetadata } from '@nestjs/common';
import type { Request } from 'express';

export type KeyRights = 'read' | 'write';

/** Who is calling the admin API and what they may touch. */
export interface Principal {
  /** For the audit log: `env:<first 6 chars>` for an ADMIN_API_KEYS key, `key:<name> (<id>)` for a stored one. */
  actor: string;
  keyId: string | null;
  rights: KeyRights;
  /** Null: every connection; else only these (others answer 404, as if they did not exist). */
  connectionIds: ReadonlySet<string> | null;
  /** ADMIN_API_KEYS keys: manage API keys, read the audit log, create connections. */
  admin: boolean;
}

export function principalOf(req: Request): Principal {
  const principal = (req as Request & { principal?: Principal }).principal;
  if (!principal) throw new Error('no principal on the request: ApiKeyGuard did not run');
  return principal;
}

export function setPrincipal(req: Request, principal: Principal): void {
  (req as Request & { principal?: Principal }).principal = principal;
}

/** Whether the principal sees this connection. */
export function canSee(principal: Principal, connectionId: string): boolean {
  return principal.connectionIds === null || principal.connectionIds.has(connectionId);
}

export const ACCESS_KEY = 'hub:access';
export type AccessRequirement = 'admin' | 'all-connections';

/** Only ADMIN_API_KEYS keys (key management, the audit log). */
export const AdminOnly = () => SetMetadata(ACCESS_KEY, 'admin' satisfies AccessRequirement);
/** A route that spans every connection and cannot filter by scope: keys scoped to some connections are refused. */
export const AllConnections = () => SetMetadata(ACCESS_KEY, 'all-connections' satisfies AccessRequirement);
