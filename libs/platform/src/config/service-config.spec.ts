import { ConfigError, EncryptionConfig, loadConfig } from './service-config';

const KEY = 'a'.repeat(43) + '=';

describe('loadConfig', () => {
  it('applies defaults and converts numbers', () => {
    const config = loadConfig(EncryptionConfig, { HUB_ENCRYPTION_KEY: KEY, PORT: '3005' });
    expect(config).toMatchObject({ PORT: 3005, NATS_URL: 'nats://127.0.0.1:4222', LOG_LEVEL: 'info', NATS_REPLICAS: 1, HUB_ENCRYPTION_KEY: KEY });
  });

  it('names every bad or missing variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(EncryptionConfig, { DATABASE_URL: 'mysql://x', PORT: 'eighty', LOG_LEVEL: 'loud', NATS_URL: 'http://nats' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/DATABASE_URL must be a postgres:\/\/ URL/);
    expect(problems).toMatch(/PORT must be an integer/);
    expect(problems).toMatch(/LOG_LEVEL must be one of/);
    expect(problems).toMatch(/NATS_URL must be one or more nats:\/\/ URLs/);
    expect(problems).toMatch(/HUB_ENCRYPTION_KEY must be 32 bytes in base64/);
  });

  it('reads the PostgreSQL pool size, 10 by default, between 1 and 100', () => {
    expect(loadConfig(EncryptionConfig, { HUB_ENCRYPTION_KEY: KEY }).DB_POOL_SIZE).toBe(10);
    expect(loadConfig(EncryptionConfig, { HUB_ENCRYPTION_KEY: KEY, DB_POOL_SIZE: '4' }).DB_POOL_SIZE).toBe(4);
    for (const bad of ['0', '101', 'many']) {
      expect(() => loadConfig(EncryptionConfig, { HUB_ENCRYPTION_KEY: KEY, DB_POOL_SIZE: bad })).toThrow(/DB_POOL_SIZE must be/);
    }
  });

  it('ignores empty values as if unset', () => {
    expect(loadConfig(EncryptionConfig, { HUB_ENCRYPTION_KEY: KEY, NATS_URL: '' }).NATS_URL).toBe('nats://127.0.0.1:4222');
  });
});
