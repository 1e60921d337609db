import { createHmac, timingSafeEqual } from 'node:crypto';

export interface IderisJwtClaims {
  PrivateKeyId: string;
  jti: string;
  iat: number;
  exp: number;
}

export function signJwt(claims: IderisJwtClaims, secret: string): string {
  const header = base64UrlJson({ alg: 'HS256', typ: 'JWT' });
  const payload = base64UrlJson(claims);
  return `${header}.${payload}.${signature(`${header}.${payload}`, secret)}`;
}

export function verifyJwt(token: string, secret: string): IderisJwtClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, given] = parts;
  const expected = Buffer.from(signature(`${header}.${payload}`, secret));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return isClaims(claims) ? claims : undefined;
  } catch {
    return undefined;
  }
}

function isClaims(value: unknown): value is IderisJwtClaims {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record['PrivateKeyId'] === 'string' && typeof record['exp'] === 'number' && typeof record['jti'] === 'string';
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function signature(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}
