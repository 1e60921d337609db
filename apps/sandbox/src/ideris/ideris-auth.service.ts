import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SANDBOX_CONFIG, type SandboxConfig } from '../sandbox.config';
import { IderisAccountStore, type IderisAccount } from './ideris-account.store';
import { iderisUnauthorized } from './ideris-http.error';
import { signJwt, verifyJwt } from './ideris-jwt';

@Injectable()
export class IderisAuthService {
  constructor(
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
    private readonly accounts: IderisAccountStore,
  ) {}

  /** v3 login body is the private key as a bare JSON string; `{"login_token": …}` (legacy form) is accepted too. */
  login(body: unknown): string {
    const privateKey = extractPrivateKey(body);
    const account = privateKey ? this.accounts.findByKey(privateKey) : undefined;
    if (!account) throw iderisUnauthorized();
    const iat = Math.floor(this.config.now() / 1000);
    const jti = randomUUID();
    const ttl = account.tokenTtlSeconds ?? this.config.iderisTokenTtlSeconds;
    account.liveTokens.add(jti);
    account.logins += 1;
    return signJwt({ PrivateKeyId: account.privateKeyId, jti, iat, exp: iat + ttl }, this.config.iderisJwtSecret);
  }

  /** Bearer check for every v3 endpoint other than the login. */
  authenticate(authorization: string | undefined): IderisAccount {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const claims = match ? verifyJwt(match[1], this.config.iderisJwtSecret) : undefined;
    if (!claims || claims.exp * 1000 <= this.config.now()) throw iderisUnauthorized();
    const account = this.accounts.findByKeyId(claims.PrivateKeyId);
    if (!account || !account.liveTokens.has(claims.jti)) throw iderisUnauthorized();
    return account;
  }

  revokeTokens(privateKey: string): boolean {
    const account = this.accounts.findByKey(privateKey);
    if (!account) return false;
    account.liveTokens.clear();
    return true;
  }
}

function extractPrivateKey(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() || undefined;
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const token = (body as Record<string, unknown>)['login_token'];
    if (typeof token === 'string' && token.trim()) return token.trim();
  }
  return undefined;
}
