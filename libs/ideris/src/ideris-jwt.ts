export interface IderisJwtInfo {
  privateKeyId?: string;
  expiresAt?: Date;
  /** `exp − iat`: how long Ideris meant the token to live (28,800 s, 8 h, on v3), whatever the clocks say. */
  lifetimeSeconds?: number;
}

/** Reads the claims the client needs without verifying the signature (the secret is Ideris's). */
export function readIderisJwt(jwt: string): IderisJwtInfo {
  const payloadPart = jwt.split('.')[1];
  if (!payloadPart) return {};
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return {};
  }
  if (typeof payload !== 'object' || payload === null) return {};
  const claims = payload as Record<string, unknown>;
  const keyId = claims['PrivateKeyId'];
  const exp = numericClaim(claims['exp']);
  const iat = numericClaim(claims['iat']);
  return {
    privateKeyId: typeof keyId === 'string' || typeof keyId === 'number' ? String(keyId) : undefined,
    expiresAt: exp !== undefined ? new Date(exp * 1000) : undefined,
    ...(exp !== undefined && iat !== undefined && exp > iat ? { lifetimeSeconds: exp - iat } : {}),
  };
}

function numericClaim(value: unknown): number | undefined {
  const parsed = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : undefined;
}

/** The login answers a JSON string literal (`"eyJ…"`, quotes included); tolerate a bare token too. */
export function unquoteJwt(body: string): string {
  const trimmed = body.trim();
  if (trimmed.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (typeof parsed === 'string') return parsed.trim();
    } catch {
      // fall through
    }
  }
  return trimmed.replace(/^"|"$/g, '');
}
