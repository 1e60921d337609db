import { IderisTokenCache, toIderisToken, type IderisToken } from './ideris-auth';
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
    return { jwt: `jwt-${logins}`, expiresAt: new Date(now + 120_000) };
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

  it('reuses the token until 60 s before expiry, then logs in again', async () => {
    const cache = new IderisTokenCache(login, () => now);
    await cache.token();
    now = 59_000;
    expect((await cache.token()).jwt).toBe('jwt-1');
    now = 60_001;
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
