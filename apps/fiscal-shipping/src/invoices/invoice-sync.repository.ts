import { Inject, Injectable } from '@nestjs/common';
import type { InvoiceSyncState, InvoiceSyncView } from '@hub/contracts';
import { DataSource } from 'typeorm';
import { unclaimed, WorkClaims, type ClaimColumns } from '@hub/work';
import { FISCAL_SHIPPING_OPTIONS, type FiscalShippingOptions } from '../fiscal-shipping.options';

export interface InvoiceSyncRow {
  id: string;
  connection_id: string;
  tiny_invoice_id: string;
  tiny_order_id: string | null;
  marketplace_order_code: string | null;
  ideris_order_id: string | null;
  state: InvoiceSyncState;
  reason: string | null;
  reason_code: string | null;
  number: string | null;
  series: string | null;
  access_key: string | null;
  issued_at: Date | null;
  value_cents: string | null;
  danfe_url: string | null;
  xml_bytes: number | null;
  tiny_situation: number | null;
  ideris_answer: unknown;
  notifications: number;
  sends: number;
  next_check_at: Date | null;
  failures: number;
  first_seen_at: Date;
  sent_at: Date | null;
  delivery_path: string | null;
  cancel_state: InvoiceCancelState | null;
  cancel_reason: string | null;
  cancel_answer: unknown;
  cancel_sends: number;
  cancel_reported_at: Date | null;
}

/** A cancellation in Tiny of an invoice already sent, as reported to Ideris (`waiting_configuration`: its URL needs an operator). */
export type InvoiceCancelState = 'pending' | 'sending' | 'reported' | 'failed' | 'waiting_configuration';

export type InvoiceSyncPatch = Partial<{
  tiny_order_id: string | null;
  ideris_order_id: number | null;
  state: InvoiceSyncState;
  reason: string | null;
  reason_code: string | null;
  number: string | null;
  series: string | null;
  access_key: string | null;
  issued_at: Date | null;
  value_cents: number | null;
  danfe_url: string | null;
  xml_bytes: number | null;
  tiny_situation: number | null;
  ideris_answer: string | null;
  next_check_at: Date | null;
  failures: number;
  sent_at: Date | null;
  delivery_path: string | null;
  cancel_state: InvoiceCancelState | null;
  cancel_reason: string | null;
  cancel_answer: string | null;
  cancel_reported_at: Date | null;
}>;

/** States after which nothing more happens to an invoice (a duplicate notification finds it here). */
export const INVOICE_FINAL_STATES: readonly InvoiceSyncState[] = ['sent', 'refused', 'failed'];

export interface InvoiceNotice {
  connectionId: string;
  tinyInvoiceId: string;
  tinyOrderId?: string;
  marketplaceOrderCode?: string;
  danfeUrl?: string;
}

/** Where a row's claim is kept: one worker at a time on it, each call with its own holder. */
export const INVOICE_CLAIM_COLUMNS: ClaimColumns = { table: 'invoice_sync', key: 'id', holder: 'claimed_by', until: 'claimed_until', onClaim: 'updated_at = now()' };

@Injectable()
export class InvoiceSyncRepository {
  /** A crashed worker's claim runs out. */
  readonly claims: WorkClaims<InvoiceSyncRow>;

  constructor(readonly dataSource: DataSource, @Inject(FISCAL_SHIPPING_OPTIONS) options: FiscalShippingOptions) {
    this.claims = new WorkClaims(dataSource, INVOICE_CLAIM_COLUMNS, options.claimMs);
  }

  /** Records a notification of the invoice (the first creates the row); returns the row. */
  async noticed(notice: InvoiceNotice): Promise<InvoiceSyncRow> {
    const rows: InvoiceSyncRow[] = await this.dataSource.query(
      `INSERT INTO invoice_sync (connection_id, tiny_invoice_id, tiny_order_id, marketplace_order_code, danfe_url, notifications)
       VALUES ($1, $2, $3, $4, $5, 1)
       ON CONFLICT (connection_id, tiny_invoice_id) DO UPDATE SET notifications = invoice_sync.notifications + 1,
         tiny_order_id = COALESCE(invoice_sync.tiny_order_id, EXCLUDED.tiny_order_id),
         marketplace_order_code = COALESCE(invoice_sync.marketplace_order_code, EXCLUDED.marketplace_order_code),
         danfe_url = COALESCE(invoice_sync.danfe_url, EXCLUDED.danfe_url),
         updated_at = now()
       RETURNING *`,
      [notice.connectionId, notice.tinyInvoiceId, notice.tinyOrderId ?? null, notice.marketplaceOrderCode ?? null, notice.danfeUrl ?? null],
    );
    return rows[0]!;
  }

  /** An invoice known from Tiny's order (admin resend) rather than from a notification. */
  async ensure(connectionId: string, tinyInvoiceId: string, tinyOrderId: string): Promise<InvoiceSyncRow> {
    await this.dataSource.query(
      `INSERT INTO invoice_sync (connection_id, tiny_invoice_id, tiny_order_id) VALUES ($1, $2, $3) ON CONFLICT (connection_id, tiny_invoice_id) DO NOTHING`,
      [connectionId, tinyInvoiceId, tinyOrderId],
    );
    return (await this.find(connectionId, tinyInvoiceId))!;
  }

  async find(connectionId: string, tinyInvoiceId: string): Promise<InvoiceSyncRow | undefined> {
    const rows: InvoiceSyncRow[] = await this.dataSource.query('SELECT * FROM invoice_sync WHERE connection_id = $1 AND tiny_invoice_id = $2', [connectionId, tinyInvoiceId]);
    return rows[0];
  }

  async forOrder(connectionId: string, tinyOrderId: string, iderisOrderId: number): Promise<InvoiceSyncRow[]> {
    return this.dataSource.query('SELECT * FROM invoice_sync WHERE connection_id = $1 AND (tiny_order_id = $2 OR ideris_order_id = $3) ORDER BY id', [
      connectionId,
      tinyOrderId,
      iderisOrderId,
    ]);
  }

  /**
   * A failed attempt the service could not record itself (the scheduler saw it throw): the row is looked at again
   * after `at`, unless the failed attempt already planned its next look.
   */
  async postponeIfDue(id: string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE invoice_sync SET next_check_at = $2, failures = failures + 1, updated_at = now() WHERE id = $1 AND next_check_at <= now()`, [id, at]);
  }

  /** Looked at later for a reason that is no failure (its flow is switched off): the failure schedule is left alone. */
  async deferIfDue(id: string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE invoice_sync SET next_check_at = $2, updated_at = now() WHERE id = $1 AND (next_check_at IS NULL OR next_check_at <= now())`, [id, at]);
  }

  async update(id: string, patch: InvoiceSyncPatch, extra: { countSend?: boolean; countFailure?: boolean; countCancelSend?: boolean } = {}): Promise<void> {
    const entries = Object.entries(patch);
    const sets = entries.map(([column], index) => `${column} = $${index + 2}`);
    if (extra.countSend) sets.push('sends = sends + 1');
    if (extra.countCancelSend) sets.push('cancel_sends = cancel_sends + 1');
    if (extra.countFailure) sets.push('failures = failures + 1');
    sets.push('updated_at = now()');
    await this.dataSource.query(`UPDATE invoice_sync SET ${sets.join(', ')} WHERE id = $1`, [id, ...entries.map(([, value]) => value)]);
  }

  /**
   * Rows the scheduler should look at again: those due, and those waiting for an operator to fix the connection's URL
   * once the connection changed after they last were looked at.
   */
  async due(limit: number): Promise<InvoiceSyncRow[]> {
    return this.dataSource.query(
      `SELECT * FROM invoice_sync WHERE (
           (next_check_at <= now() AND (state NOT IN ('sent', 'refused', 'failed') OR (state = 'sent' AND cancel_state IN ('pending', 'sending', 'waiting_configuration'))))
           OR ((state = 'waiting_configuration' OR (state = 'sent' AND cancel_state = 'waiting_configuration'))
             AND EXISTS (SELECT 1 FROM connection_view c WHERE c.id::text = invoice_sync.connection_id::text AND c.updated_at > invoice_sync.updated_at)))
         AND ${unclaimed(INVOICE_CLAIM_COLUMNS)} ORDER BY next_check_at NULLS FIRST LIMIT $1`,
      [limit],
    );
  }
}

export function toInvoiceView(row: InvoiceSyncRow): InvoiceSyncView {
  return {
    tinyInvoiceId: row.tiny_invoice_id,
    state: row.state,
    reason: row.reason,
    reasonCode: row.reason_code ?? null,
    number: row.number,
    series: row.series,
    accessKey: row.access_key,
    issuedAt: row.issued_at ? new Date(row.issued_at).toISOString() : null,
    valueCents: row.value_cents === null ? null : Number(row.value_cents),
    danfeUrl: row.danfe_url,
    tinySituation: row.tiny_situation,
    iderisAnswer: row.ideris_answer ?? null,
    notifications: row.notifications,
    sends: row.sends,
    sentAt: row.sent_at ? new Date(row.sent_at).toISOString() : null,
    deliveryPath: row.delivery_path,
    cancellation: { state: row.cancel_state, reason: row.cancel_reason, reportedAt: row.cancel_reported_at ? new Date(row.cancel_reported_at).toISOString() : null },
  };
}
