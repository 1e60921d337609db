import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { ConnectionSettings, ConnectionSituation } from '@hub/contracts';

export interface VerificationResult {
  at: string;
  tiny: { ok: boolean; detail: string };
  ideris: { ok: boolean; detail: string };
}

/** A seller's Tiny account + Ideris account + settings. Owned by the gateway; others keep read models. */
@Entity('connection')
export class ConnectionEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  situation: ConnectionSituation;

  @Column('text', { nullable: true })
  cnpj: string | null;

  @Column('int', { name: 'tiny_integration_id', nullable: true })
  tinyIntegrationId: number | null;

  @Column('text', { name: 'tiny_base_url' })
  tinyBaseUrl: string;

  @Column('text', { name: 'ideris_base_url' })
  iderisBaseUrl: string;

  /** AES-256-GCM sealed; never returned or logged. */
  @Column('text', { name: 'tiny_token_sealed', nullable: true })
  tinyTokenSealed: string | null;

  @Column('text', { name: 'tiny_token_hint', nullable: true })
  tinyTokenHint: string | null;

  @Column('text', { name: 'ideris_key_sealed', nullable: true })
  iderisKeySealed: string | null;

  @Column('text', { name: 'ideris_key_hint', nullable: true })
  iderisKeyHint: string | null;

  /** Ideris's "URL para envio da nota fiscal", sealed like the credentials (it may carry a token); hint = masked. */
  @Column('text', { name: 'ideris_invoice_url_sealed', nullable: true })
  iderisInvoiceUrlSealed: string | null;

  @Column('text', { name: 'ideris_invoice_url_hint', nullable: true })
  iderisInvoiceUrlHint: string | null;

  /** Ideris's "URL para envio de rastreio", sealed like the credentials. */
  @Column('text', { name: 'ideris_tracking_url_sealed', nullable: true })
  iderisTrackingUrlSealed: string | null;

  @Column('text', { name: 'ideris_tracking_url_hint', nullable: true })
  iderisTrackingUrlHint: string | null;

  /** The secret in this connection's webhook URLs, sealed like the credentials. */
  @Column('text', { name: 'webhook_secret_sealed' })
  webhookSecretSealed: string;

  @Column('jsonb')
  settings: ConnectionSettings;

  @Column('jsonb', { name: 'last_verification', nullable: true })
  lastVerification: VerificationResult | null;

  @VersionColumn()
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
