import { readIderisJwt } from './ideris-jwt';

export interface IderisToken {
  jwt: string;
  expiresAt: Date;
  privateKeyId?: string;
}

/** Re-login this long before `exp`, so a call never leaves with a token that dies in flight. */
export const IDERIS_RENEW_BEFORE_EXPIRY_MS = 60_000;

// ASSUMPTION: the v3 JWT lifetime is undocumented; if a token ever lacks `exp`, treat it as valid for one hour.
const FALLBACK_TOKEN_TTL_MS = 60 * 60_000;

export function toIderisToken(jwt: string, now: number): IderisToken {
  const info = readIderisJwt(jwt);
  return { jwt, expiresAt: info.expiresAt ?? new Date(now + FALLBACK_TOKEN_TTL_MS), privateKeyId: info.privateKeyId };
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
    if (this.current && this.current.expiresAt.getTime() - IDERIS_RENEW_BEFORE_EXPIRY_MS > this.now()) return this.current;
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
