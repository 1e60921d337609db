import { Transform } from 'class-transformer';
import { ArrayMinSize, IsArray, IsOptional, IsUrl, Matches, MinLength } from 'class-validator';
import { EncryptionConfig } from '@hub/platform';

export class GatewayConfig extends EncryptionConfig {
  /** Bearer keys accepted by the admin API, comma-separated; at least 16 characters each. */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((k) => k.trim()).filter(Boolean) : value))
  @IsArray({ message: 'ADMIN_API_KEYS must be a comma-separated list of keys' })
  @ArrayMinSize(1, { message: 'ADMIN_API_KEYS must hold at least one key' })
  @MinLength(16, { each: true, message: 'each key in ADMIN_API_KEYS must be at least 16 characters' })
  ADMIN_API_KEYS: string[];

  /** How Tiny reaches this gateway; used to build the webhook URLs shown per connection. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true }, { message: 'PUBLIC_BASE_URL must be an absolute http(s) URL' })
  PUBLIC_BASE_URL = 'http://localhost:3000';

  @IsOptional()
  @Matches(/^\d+(kb|mb)$/, { message: 'WEBHOOK_BODY_LIMIT must look like 256kb or 1mb' })
  WEBHOOK_BODY_LIMIT = '256kb';

  @IsOptional()
  @Matches(/^\d+(kb|mb)$/, { message: 'ADMIN_BODY_LIMIT must look like 100kb or 1mb' })
  ADMIN_BODY_LIMIT = '100kb';
}
