import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** class-transformer: an environment string as a number (undefined when absent). */
export const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/** Settings every service reads from its environment; each service extends it with its own. */
export class BaseServiceConfig {
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

  @IsOptional()
  @Matches(/^(nats|tls):\/\/\S+(,\s*(nats|tls):\/\/\S+)*$/, { message: 'NATS_URL must be one or more nats:// URLs, comma-separated' })
  NATS_URL = 'nats://127.0.0.1:4222';

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'PORT must be an integer' })
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent' })
  LOG_LEVEL = 'info';

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'NATS_REPLICAS must be an integer' })
  @Min(1)
  @Max(5)
  NATS_REPLICAS = 1;

  /**
   * Connections of the service's own PostgreSQL pool (its schema). Each replica also keeps up to 4 for the
   * API budget and 1 for the outbox relay's LISTEN: see docs/deploy.md#postgresql-connections.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'DB_POOL_SIZE must be an integer' })
  @Min(1, { message: 'DB_POOL_SIZE must be between 1 and 100' })
  @Max(100, { message: 'DB_POOL_SIZE must be between 1 and 100' })
  DB_POOL_SIZE = 10;

  /** Overrides the PostgreSQL schema a service owns (tests give each suite its own). */
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_][a-z0-9_]*$/, { message: 'DB_SCHEMA must be a lower-case identifier' })
  DB_SCHEMA?: string;
}

export class EncryptionConfig extends BaseServiceConfig {
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'HUB_ENCRYPTION_KEY must be 32 bytes in base64 (44 characters), e.g. `openssl rand -base64 32`' })
  HUB_ENCRYPTION_KEY: string;

  /** Keys being retired (comma-separated): still opened, never used to seal. See SecretBox. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$/, { message: 'HUB_ENCRYPTION_KEYS_PREVIOUS must be comma-separated 32-byte base64 keys' })
  HUB_ENCRYPTION_KEYS_PREVIOUS?: string;
}

/**
 * Reads and validates the environment once at boot; a bad or missing value stops the process with one
 * line per problem, naming the variable.
 */
export function loadConfig<T extends object>(type: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(type, defined, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigError(errors.flatMap((e) => Object.values(e.constraints ?? { invalid: `${e.property} is invalid` })));
  }
  return config;
}
