import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Length, Matches, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { ConnectionSettings, INVOICE_TRACKING_PATHS, type ConnectionSituation, type InvoiceTrackingPath, type TinyNotificationKind } from '@hub/contracts';
import type { VerificationResult } from './connection.entity';

const digitsOnly = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/[.\-/\s]/g, '') : value);

export const DEFAULT_TINY_BASE_URL = 'https://api.tiny.com.br/api2';
export const DEFAULT_IDERIS_BASE_URL = 'https://apiv3.ideris.com.br';

export class CreateConnectionDto {
  @ApiProperty({ example: 'Loja Exemplo — Mercado Livre + Shopee' })
  @IsString()
  @Length(1, 120)
  name: string;

  @ApiPropertyOptional({ description: 'Tiny API v2 token (extension "Token API"); stored encrypted, never returned' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @Length(8, 200)
  tinyToken?: string;

  @ApiPropertyOptional({ description: 'Ideris private key ("Chave Privada"); stored encrypted, never returned' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @Length(8, 200)
  iderisPrivateKey?: string;

  @ApiPropertyOptional({ description: 'Tiny e-commerce integration id (idEcommerce) of this integration in the seller account', example: 12345 })
  @IsOptional()
  @IsInt()
  @Min(1)
  tinyIntegrationId?: number;

  @ApiPropertyOptional({ description: "The seller's CNPJ, formatted or digits", example: '12.345.678/0001-95' })
  @IsOptional()
  @Transform(digitsOnly)
  @Matches(/^\d{14}$/, { message: 'cnpj must have 14 digits' })
  cnpj?: string;

  @ApiPropertyOptional({ default: DEFAULT_TINY_BASE_URL, description: 'Point at the sandbox for tests and demos' })
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  tinyBaseUrl?: string;

  @ApiPropertyOptional({ default: DEFAULT_IDERIS_BASE_URL })
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  iderisBaseUrl?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Ideris\'s "URL para envio da nota fiscal" (from Ideris support): invoices go there in Tiny\'s nota_fiscal notification format. Stored encrypted, shown masked; null removes it',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2000)
  iderisInvoiceUrl?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Ideris\'s "URL para envio de rastreio" (from Ideris support): tracking codes go there in Tiny\'s rastreio notification format. Stored encrypted, shown masked; null removes it',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2000)
  iderisTrackingUrl?: string | null;

  @ApiPropertyOptional({ type: ConnectionSettings })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConnectionSettings)
  settings?: ConnectionSettings;
}

export class UpdateConnectionDto extends PartialType(CreateConnectionDto) {}

export class VerificationView {
  @ApiProperty() at: string;
  @ApiProperty() tiny: { ok: boolean; detail: string };
  @ApiProperty() ideris: { ok: boolean; detail: string };
}

export class ConnectionView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['not_installed', 'not_configured', 'active', 'inactive'] }) situation: ConnectionSituation;
  @ApiProperty({ nullable: true }) cnpj: string | null;
  @ApiProperty({ nullable: true }) tinyIntegrationId: number | null;
  @ApiProperty() tinyBaseUrl: string;
  @ApiProperty() iderisBaseUrl: string;
  @ApiProperty({ nullable: true, description: 'Masked: only the last 4 characters' }) tinyToken: string | null;
  @ApiProperty({ nullable: true, description: 'Masked: only the last 4 characters' }) iderisPrivateKey: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Masked: scheme and host, then only the last 4 characters' }) iderisInvoiceUrl: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Masked: scheme and host, then only the last 4 characters' }) iderisTrackingUrl: string | null;
  @ApiProperty({ type: ConnectionSettings }) settings: ConnectionSettings;
  @ApiProperty({ enum: INVOICE_TRACKING_PATHS, description: 'The invoice/tracking path in force: settings.invoiceTrackingPath, or notification_urls when both URLs are set, else ideris_api' })
  invoiceTrackingPathInEffect: InvoiceTrackingPath;
  @ApiProperty({ nullable: true, description: 'Paste each into the matching field of the Tiny integration (aba Webhook) and the account webhooks; null when the secrets cannot be opened' })
  webhookUrls: Record<TinyNotificationKind, string> | null;
  @ApiProperty({ description: 'False when the stored secrets were sealed under another HUB_ENCRYPTION_KEY: set the credentials again' })
  secretsReadable: boolean;
  @ApiProperty({ nullable: true, type: VerificationView }) lastVerification: VerificationResult | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}
