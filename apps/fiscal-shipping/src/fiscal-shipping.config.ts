import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { EncryptionConfig } from '@hub/platform';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class FiscalShippingConfig extends EncryptionConfig {
  /**
   * Lets the seller's Ideris notification URLs point at loopback, private or link-local addresses. Off in production
   * (a URL is a target the seller supplies; the hub must not post inside its own network); the sandbox, the benches
   * and the tests run on 127.0.0.1 and set it.
   */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'IDERIS_URLS_ALLOW_PRIVATE must be true or false' })
  IDERIS_URLS_ALLOW_PRIVATE = false;
}

export const NOTIFICATION_URL_POLICY = Symbol('NOTIFICATION_URL_POLICY');
