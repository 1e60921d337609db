import { IderisTokenCache, renewalTime, toIderisToken, type IderisToken } from './ideris-auth';
import { readIderisJwt, unquoteJwt } from './ideris-jwt';

function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

describe('Ideris JWT handling', () => {
  it('strips the JSON-string quotes of the login answer', () => {
    expect(unquoteJwt('"aaa.bbb.ccc"')).toBe('aaa.bbb.ccc');
    expect(unquoteJwt(' "aaa.bbb.ccc"\n')).toBe('aaa.bbb.ccc');
    expect(unquoteJwt('aaa.bbb.ccc')).toBe('aaa.bbb.ccc');
  });

  it('reads PrivateKeyId and exp without verifying the signature', () => {
    expect(readIderisJwt(fakeJwt({ PrivateKeyId: 'abc', exp: 1_700_000_000 }))).toEqual({
      privateKeyId: 'abc',
      expiresAt: new Date(1_700_000_000_000),
    });
    expect(readIderisJwt(fakeJwt({ PrivateKeyId: 42 })).privateKeyId).toBe('42');
    expect(readIderisJwt('not-a-jwt')).toEqual({});
  });

  // v3 tokens: exp − iat = 28,800 s (8 h); a public tool re-logs in at 7 h 48 min (docs/contracts.md#ideris-login).
  const H = 3600_000;
  const M = 60_000;
  it.each([
    ['an 8 h v3 token, clocks in step', { iat: 1_000_000, exp: 1_000_000 + 28_800 }, 1_000_000_000, 1_000_000_000 + 7 * H + 48 * M],
    ['an 8 h token from a server clock 1 h ahead', { iat: 1_003_600, exp: 1_003_600 + 28_800 }, 1_000_000_000, 1_000_000_000 + 7 * H + 48 * M],
    ['an 8 h token from a server clock 1 h behind', { iat: 996_400, exp: 996_400 + 28_800 }, 1_000_000_000, 1_000_000_000 + 6 * H + 48 * M],
    ['a 24 h token renews at most 12 min early', { iat: 1_000_000, exp: 1_000_000 + 86_400 }, 1_000_000_000, 1_000_000_000 + 23 * H + 48 * M],
    ['a 40 s token renews 1 s early', { iat: 1_000_000, exp: 1_000_040 }, 1_000_000_000, 1_000_000_000 + 39_000],
    ['a token without iat counts its lifetime from now', { exp: 1_000_000 + 28_800 }, 1_000_000_000, 1_000_000_000 + 7 * H + 48 * M],
  ])('renews %s at 39/40 of its lifetime', (_case, claims, receivedAt, renewAt) => {
    const token = toIderisToken(fakeJwt({ PrivateKeyId: '1', ...claims }), receivedAt);
    expect(token.renewAt.getTime()).toBe(renewAt);
    expect(token.renewAt.getTime()).toBeLessThan(token.expiresAt.getTime());
  });

  it('never renews after the expiry less the margin', () => {
    expect(renewalTime(0, 8 * H, 4 * H)).toBe(4 * H - 12 * M);
  });

  it('falls back to a one-hour lifetime when exp is missing', () => {
    expect(toIderisToken(fakeJwt({}), 1_000).expiresAt.getTime()).toBe(1_000 + 3_600_000);
  });
});

describe('IderisTokenCache', () => {
  let now = 0;
  let logins = 0;
  const login = async (): Promise<IderisToken> => {
    logins += 1;
    await new Promise((resolve) => setTimeout(resolve, 10));
    return { ...toIderisToken(fakeJwt({ iat: now / 1000, exp: (now + 8 * 3600_000) / 1000 }), now), jwt: `jwt-${logins}` };
  };

  beforeEach(() => {
    now = 0;
    logins = 0;
  });

  it('shares one login between concurrent callers', async () => {
    const cache = new IderisTokenCache(login, () => now);
    const tokens = await Promise.all([cache.token(), cache.token(), cache.token()]);
    expect(logins).toBe(1);
    expect(new Set(tokens.map((token) => token.jwt))).toEqual(new Set(['jwt-1']));
  });

  it('reuses an 8 h token until 7 h 48 min, then logs in again before it expires', async () => {
    now = 1_000_000_000;
    const cache = new IderisTokenCache(login, () => now);
    await cache.token();
    now += (7 * 60 + 47) * 60_000;
    expect((await cache.token()).jwt).toBe('jwt-1');
    now += 60_001;
    expect((await cache.token()).jwt).toBe('jwt-2');
  });

  it('drops only the token that was refused', async () => {
    const cache = new IderisTokenCache(login, () => now);
    await cache.token();
    cache.invalidate('jwt-other');
    expect((await cache.token()).jwt).toBe('jwt-1');
    cache.invalidate('jwt-1');
    expect((await cache.token()).jwt).toBe('jwt-2');
  });

  it('lets the next caller retry after a failed login', async () => {
    let fail = true;
    const cache = new IderisTokenCache(async () => {
      if (fail) throw new Error('down');
      return login();
    }, () => now);
    await expect(cache.token()).rejects.toThrow('down');
    fail = false;
    expect((await cache.token()).jwt).toBe('jwt-1');
  });
});
