import { readIderisJwt } from './ideris-jwt';

export interface IderisToken {
  jwt: string;
  expiresAt: Date;
  /** When the cache logs in again, ahead of `expiresAt` (see `renewalTime`). */
  renewAt: Date;
  privateKeyId?: string;
}

/**
 * v3 JWTs live 8 h (`exp − iat` = 28,800 s, docs/contracts.md#ideris-login); a public tool re-logs in every 7 h 48 min,
 * i.e. 12 min early. We renew at the same point, 1/40 of the lifetime before its end, at most 12 min early.
 */
export const IDERIS_RENEW_FRACTION = 1 / 40;
export const IDERIS_MAX_RENEW_EARLY_MS = 12 * 60_000;

// ASSUMPTION (docs/contracts.md#ideris-login): a token without `exp` has never been seen; treat it as valid for one hour.
const FALLBACK_TOKEN_TTL_MS = 60 * 60_000;

/**
 * Reads the JWT's claims. The renewal time counts the lifetime (`exp − iat`) from the moment the token arrived, on our
 * own clock, so a server clock ahead of or behind ours cannot make us keep an expired token.
 */
export function toIderisToken(jwt: string, now: number): IderisToken {
  const info = readIderisJwt(jwt);
  const expiresAt = info.expiresAt ?? new Date(now + FALLBACK_TOKEN_TTL_MS);
  const lifetimeMs = info.lifetimeSeconds !== undefined ? info.lifetimeSeconds * 1000 : expiresAt.getTime() - now;
  return { jwt, expiresAt, renewAt: new Date(renewalTime(now, lifetimeMs, expiresAt.getTime())), privateKeyId: info.privateKeyId };
}

/** `receivedAt + lifetime × 39/40` (7 h 48 min of 8 h), never after `exp` less the same margin. */
export function renewalTime(receivedAt: number, lifetimeMs: number, expiresAt: number): number {
  const early = Math.min(IDERIS_MAX_RENEW_EARLY_MS, Math.max(0, lifetimeMs) * IDERIS_RENEW_FRACTION);
  return Math.min(receivedAt + lifetimeMs - early, expiresAt - early);
}

/**
 * Caches the JWT for one private key. Concurrent callers that find no valid token share a single
 * login request instead of each logging in.
 */
export class IderisTokenCache {
  private current?: IderisToken;
  private pending?: Promise<IderisToken>;

  constructor(
    private readonly login: () => Promise<IderisToken>,
    private readonly now: () => number = Date.now,
  ) {}

  async token(): Promise<IderisToken> {
    if (this.current && this.current.renewAt.getTime() > this.now()) return this.current;
    return this.refresh();
  }

  /** Starts (or joins) a login; the result replaces the cached token. */
  refresh(): Promise<IderisToken> {
    if (!this.pending) {
      this.pending = this.login()
        .then((token) => {
          this.current = token;
          return token;
        })
        .finally(() => {
          this.pending = undefined;
        });
    }
    return this.pending;
  }

  /** Drops the token a 401 was answered to, unless another caller already replaced it. */
  invalidate(jwt: string): void {
    if (this.current?.jwt === jwt) this.current = undefined;
  }
}
