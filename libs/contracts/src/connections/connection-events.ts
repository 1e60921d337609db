import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Min, ValidateNested } from 'class-validator';
import { defineEvent } from '../messaging/definitions';
import { CONNECTION_SITUATIONS, ConnectionSettings, type ConnectionSituation } from './connection-settings';

/** Credentials as sealed by the gateway (AES-256-GCM); services holding HUB_ENCRYPTION_KEY open them. */
export class SealedCredentialsV1 {
  @IsOptional()
  @IsString()
  tinyToken?: string;

  @IsOptional()
  @IsString()
  iderisPrivateKey?: string;

  /** "URL para envio da nota fiscal" from Ideris support; sealed like the keys (it may carry a token). */
  @IsOptional()
  @IsString()
  iderisInvoiceUrl?: string;

  /** "URL para envio de rastreio" from Ideris support; sealed like the keys. */
  @IsOptional()
  @IsString()
  iderisTrackingUrl?: string;
}

/** Associated data each notification URL is sealed with, after `<connection id>:`. */
export const IDERIS_INVOICE_URL_PURPOSE = 'ideris-invoice-url';
export const IDERIS_TRACKING_URL_PURPOSE = 'ideris-tracking-url';

/**
 * The whole connection as of `version`, announced on every change. Consumers keep the highest version
 * they have seen, so a late or repeated event never rolls a read model back.
 */
export class ConnectionChangedV1 {
  @IsUUID()
  connectionId: string;

  @IsInt()
  @Min(1)
  version: number;

  @IsString()
  name: string;

  @IsIn(CONNECTION_SITUATIONS)
  situation: ConnectionSituation;

  @IsOptional()
  @Matches(/^\d{14}$/)
  cnpj?: string;

  @IsOptional()
  @IsInt()
  tinyIntegrationId?: number;

  @IsString()
  tinyBaseUrl: string;

  @IsString()
  iderisBaseUrl: string;

  @ValidateNested()
  @Type(() => ConnectionSettings)
  settings: ConnectionSettings;

  @ValidateNested()
  @Type(() => SealedCredentialsV1)
  credentials: SealedCredentialsV1;

  @IsBoolean()
  deleted: boolean;

  @IsString()
  occurredAt: string;
}

export const ConnectionEvents = {
  changed: defineEvent('gateway.connection.changed.v1', ConnectionChangedV1),
} as const;
