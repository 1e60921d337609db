import { Inject, Injectable } from '@nestjs/common';
import type { TrackingMarkerState, TrackingSyncState, TrackingSyncView } from '@hub/contracts';
import { DataSource } from 'typeorm';
import { unclaimed, WorkClaims, type ClaimColumns } from '@hub/work';
import { FISCAL_SHIPPING_OPTIONS, type FiscalShippingOptions } from '../fiscal-shipping.options';
import type { TrackingNotice } from './domain/tracking-readiness';

export interface TrackingSyncRow {
  id: string;
  connection_id: string;
  tiny_order_id: string;
  tiny_invoice_id: string | null;
  marketplace_order_code: string | null;
  ideris_order_id: string | null;
  state: TrackingSyncState;
  reason_code: string | null;
  reason: string | null;
  tracking_code: string | null;
  tracking_url: string | null;
  carrier: string | null;
  shipping_method: string | null;
  freight_service: string | null;
  grouping_id: string | null;
  grouping_type: string | null;
  notice: TrackingNotice | null;
  ideris_answer: unknown;
  notifications: number;
  checks: number;
  sends: number;
  next_check_at: Date | null;
  failures: number;
  first_seen_at: Date;
  sent_at: Date | null;
  marker_state: TrackingMarkerState | null;
  marker_error: string | null;
  marker_attempts: number;
  marked_at: Date | null;
  delivery_path: string | null;
  replaced_codes: string[];
}

export type TrackingSyncPatch = Partial<{
  ideris_order_id: number;
  state: TrackingSyncState;
  reason_code: string | null;
  reason: string | null;
  tracking_code: string | null;
  tracking_url: string | null;
  carrier: string | null;
  shipping_method: string | null;
  freight_service: string | null;
  grouping_id: string | null;
  grouping_type: string | null;
  ideris_answer: string | null;
  next_check_at: Date | null;
  failures: number;
  sent_at: Date | null;
  marker_state: TrackingMarkerState | null;
  marker_error: string | null;
  marked_at: Date | null;
  delivery_path: string | null;
  replaced_codes: string;
}>;

export interface TrackingNoticeRecord {
  connectionId: string;
  tinyOrderId: string;
  tinyInvoiceId?: string;
  marketplaceOrderCode?: string;
  notice?: TrackingNotice;
}

/** The reason codes of a tracking URL an operator must fix (`NotificationUrlProblem`). */
export const URL_REASON_CODES: readonly string[] = ['url_missing', 'url_rejected', 'url_unauthorised'];
const URL_REASON_SQL = URL_REASON_CODES.map((code) => `'${code}'`).join(', ');

/** Attempts at leaving the marker in Tiny before it is left as failed. */
export const MARKER_ATTEMPTS = 5;

/** Where a row's claim is kept: one worker at a time on it, each call with its own holder. */
export const TRACKING_CLAIM_COLUMNS: ClaimColumns = { table: 'tracking_sync', key: 'id', holder: 'claimed_by', until: 'claimed_until', onClaim: 'updated_at = now()' };

@Injectable()
export class TrackingSyncRepository {
  /** A crashed worker's claim runs out. */
  readonly claims: WorkClaims<TrackingSyncRow>;

  constructor(private readonly dataSource: DataSource, @Inject(FISCAL_SHIPPING_OPTIONS) options: FiscalShippingOptions) {
    this.claims = new WorkClaims(dataSource, TRACKING_CLAIM_COLUMNS, options.claimMs);
  }

  /** Records a notification (or an admin's request) for the order's tracking; returns the row. */
  async noticed(record: TrackingNoticeRecord, countNotification = true): Promise<TrackingSyncRow> {
    const rows: TrackingSyncRow[] = await this.dataSource.query(
      `INSERT INTO tracking_sync (connection_id, tiny_order_id, tiny_invoice_id, marketplace_order_code, notice, notifications)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (connection_id, tiny_order_id) DO UPDATE SET notifications = tracking_sync.notifications + EXCLUDED.notifications,
         tiny_invoice_id = COALESCE(EXCLUDED.tiny_invoice_id, tracking_sync.tiny_invoice_id),
         marketplace_order_code = COALESCE(tracking_sync.marketplace_order_code, EXCLUDED.marketplace_order_code),
         notice = COALESCE(EXCLUDED.notice, tracking_sync.notice),
         updated_at = now()
       RETURNING *`,
      [record.connectionId, record.tinyOrderId, record.tinyInvoiceId ?? null, record.marketplaceOrderCode ?? null, record.notice ? JSON.stringify(record.notice) : null, countNotification ? 1 : 0],
    );
    return rows[0]!;
  }

  async find(connectionId: string, tinyOrderId: string): Promise<TrackingSyncRow | undefined> {
    const rows: TrackingSyncRow[] = await this.dataSource.query('SELECT * FROM tracking_sync WHERE connection_id = $1 AND tiny_order_id = $2', [connectionId, tinyOrderId]);
    return rows[0];
  }

  /**
   * A failed attempt the service could not record itself (the scheduler saw it throw): the row is looked at again
   * after `at`, unless the failed attempt already planned its next look.
   */
  async postponeIfDue(id: string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE tracking_sync SET next_check_at = $2, failures = failures + 1, updated_at = now() WHERE id = $1 AND next_check_at <= now()`, [id, at]);
  }

  /** Looked at later for a reason that is no failure (its flow is switched off): the failure schedule is left alone. */
  async deferIfDue(id: string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE tracking_sync SET next_check_at = $2, updated_at = now() WHERE id = $1 AND (next_check_at IS NULL OR next_check_at <= now())`, [id, at]);
  }

  async update(id: string, patch: TrackingSyncPatch, extra: { countCheck?: boolean; countSend?: boolean; countMarker?: boolean; countFailure?: boolean } = {}): Promise<void> {
    const entries = Object.entries(patch);
    const sets = entries.map(([column], index) => `${column} = $${index + 2}`);
    if (extra.countFailure) sets.push('failures = failures + 1');
    if (extra.countCheck) sets.push('checks = checks + 1');
    if (extra.countSend) sets.push('sends = sends + 1');
    if (extra.countMarker) sets.push('marker_attempts = marker_attempts + 1');
    sets.push('updated_at = now()');
    await this.dataSource.query(`UPDATE tracking_sync SET ${sets.join(', ')} WHERE id = $1`, [id, ...entries.map(([, value]) => value)]);
  }

  /**
   * Waiting rows whose re-check is due, sent rows whose marker is still to be left, and rows waiting for an operator to
   * fix the connection's tracking URL once the connection changed after they last were looked at.
   */
  async due(limit: number): Promise<TrackingSyncRow[]> {
    return this.dataSource.query(
      `SELECT * FROM tracking_sync WHERE (
           (next_check_at <= now() AND (state <> 'sent' OR marker_state IN ('pending', 'failed') OR reason_code IN (${URL_REASON_SQL})))
           OR (reason_code IN (${URL_REASON_SQL})
             AND EXISTS (SELECT 1 FROM connection_view c WHERE c.id::text = tracking_sync.connection_id::text AND c.updated_at > tracking_sync.updated_at)))
         AND ${unclaimed(TRACKING_CLAIM_COLUMNS)} ORDER BY next_check_at NULLS FIRST LIMIT $1`,
      [limit],
    );
  }
}

export function toTrackingView(row: TrackingSyncRow): TrackingSyncView {
  const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);
  return {
    state: row.state,
    reasonCode: row.reason_code,
    reason: row.reason,
    trackingCode: row.tracking_code,
    trackingUrl: row.tracking_url,
    carrier: row.carrier,
    shippingMethod: row.shipping_method,
    groupingId: row.grouping_id,
    groupingType: row.grouping_type,
    iderisAnswer: row.ideris_answer ?? null,
    notifications: row.notifications,
    checks: row.checks,
    sends: row.sends,
    nextCheckAt: iso(row.next_check_at),
    sentAt: iso(row.sent_at),
    marker: { state: row.marker_state, error: row.marker_error, markedAt: iso(row.marked_at) },
    deliveryPath: row.delivery_path,
    replacedCodes: row.replaced_codes ?? [],
  };
}
