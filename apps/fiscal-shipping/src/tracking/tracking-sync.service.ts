import { Inject, Injectable, Logger } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { NotificationUrlError } from '@hub/ideris';
import { counter } from '@hub/platform';
import { TinyApiError, TinyFulfilmentApi, type TinyClient, type TinyExpedition } from '@hub/tiny';
import type { FailurePolicy } from '@hub/work';
import { OrderBindingRepository, type OrderBinding } from '../bindings/order-binding.repository';
import { ConnectionClients, type ConnectionClientSet } from '@hub/integrations';
import { IderisDeliveries } from '../delivery/ideris-delivery';
import { fiscalFailures, FISCAL_SHIPPING_OPTIONS, recheckDelay, unconfirmedSendRecheckAt, type FiscalShippingOptions } from '../fiscal-shipping.options';
import { trackingReadiness } from './domain/tracking-readiness';
import { markTrackingSent } from './tiny-tracking-marker';
import { MARKER_ATTEMPTS, TrackingSyncRepository, URL_REASON_CODES, type TrackingSyncPatch, type TrackingSyncRow } from './tracking-sync.repository';

const outcomes = counter('hub_fiscal_tracking_total', 'Tracking outcomes: sent, duplicate, waiting, waiting_binding, failed, busy', ['outcome']);

export type TrackingProcessOutcome = 'sent' | 'duplicate' | 'waiting' | 'waiting_binding' | 'failed' | 'busy';

/**
 * Sends an order's tracking to Ideris once its prerequisites hold (see `trackingReadiness`), then leaves the
 * marker in Tiny. A waiting order keeps its reason and is re-checked with growing delays by the scheduler;
 * a notification or an admin's "send tracking now" checks it at once.
 */
@Injectable()
export class TrackingSyncService {
  private readonly logger = new Logger(TrackingSyncService.name);
  private readonly failures: FailurePolicy;

  constructor(
    private readonly tracking: TrackingSyncRepository,
    private readonly bindings: OrderBindingRepository,
    private readonly clients: ConnectionClients,
    private readonly deliveries: IderisDeliveries,
    @Inject(FISCAL_SHIPPING_OPTIONS) private readonly options: FiscalShippingOptions,
  ) {
    this.failures = fiscalFailures(options).delivery;
  }

  async process(row: TrackingSyncRow, trigger: string): Promise<TrackingProcessOutcome> {
    const binding = row.state === 'sent' ? undefined : await this.bindings.find(row.connection_id, { tinyOrderId: row.tiny_order_id, marketplaceOrderCode: row.marketplace_order_code });
    if (row.state !== 'sent' && !binding) {
      const reason = `no order imported by this hub matches Tiny order ${row.tiny_order_id} yet`;
      await this.tracking.update(row.id, { state: 'waiting_binding', reason_code: 'no-binding', reason, next_check_at: null });
      return this.count('waiting_binding');
    }
    const processed = await this.tracking.claims.hold(row.id, ({ row: claimed }) =>
      runInLane('normal', async () => {
        const clients = await this.clients.forActive(row.connection_id);
        if (claimed.state === 'sent') {
          // A notice naming another code, or a changed code held back until an operator fixed the tracking URL.
          const looksAgain = (trigger === 'notification' || isUrlProblem(claimed.reason_code)) && noticeNamesAnotherCode(claimed);
          const changedBinding = looksAgain ? await this.bindings.find(row.connection_id, { tinyOrderId: row.tiny_order_id, marketplaceOrderCode: row.marketplace_order_code }) : undefined;
          if (changedBinding) return this.checkAndSend(claimed, changedBinding, clients, trigger);
          if (claimed.marker_state === 'pending' || claimed.marker_state === 'failed') await this.leaveMarker(claimed, clients.tiny);
          return 'duplicate';
        }
        return this.checkAndSend(claimed, binding!, clients, trigger);
      }),
    );
    return this.count(processed.held ? processed.value : 'busy');
  }

  /**
   * `row` sent already: only a changed code (Tiny's expedition is the authority, the notice only made the hub look) is
   * sent again, as the same write or notification with the new code; the old one is kept in `replaced_codes`.
   */
  private async checkAndSend(row: TrackingSyncRow, binding: OrderBinding, clients: ConnectionClientSet, trigger: string): Promise<TrackingProcessOutcome> {
    const { tiny } = clients;
    let sendingCommitted = false;
    // A code Ideris already has (the first one of a changed code): a refusal of the next one does not undo it.
    const deliveredBefore = row.state === 'sent' || row.sent_at !== null;
    // A post that may have landed: its worker died or its answer was lost, or it then waited for an operator.
    const mayHaveLanded = row.state === 'sending' || (row.state !== 'sent' && row.sends > 0);
    try {
      // An unconfirmed send and a changed code are finished on the path the tracking went by (rows from before the
      // choice existed: v3); one that waited for an operator goes the way the connection says now.
      const ideris = await this.deliveries.of(clients, row.state === 'sending' || row.state === 'sent' ? (row.delivery_path ?? 'ideris_api') : null);
      if (mayHaveLanded && row.tracking_code && (await ideris.readBackTracking(binding.iderisOrderId, row.tracking_code)) === true) {
        // An earlier send was never confirmed (its worker died after the call): Ideris has it, so it is not sent again.
        if (row.marker_state === 'marked') {
          await this.tracking.update(row.id, { state: 'sent', ideris_answer: JSON.stringify({ confirmedByReading: true }), sent_at: new Date(), next_check_at: null, failures: 0 });
          return 'sent';
        }
        await this.tracking.update(row.id, { state: 'sent', ideris_answer: JSON.stringify({ confirmedByReading: true }), sent_at: new Date(), marker_state: 'pending', next_check_at: unconfirmedSendRecheckAt(this.options.claimMs), failures: 0 });
        this.logger.log({ msg: 'tracking found in Ideris: an unconfirmed send is confirmed', connectionId: row.connection_id, tinyOrderId: row.tiny_order_id, iderisOrderId: binding.iderisOrderId, trigger });
        await this.leaveMarker({ ...row, marker_state: 'pending' }, tiny);
        return 'sent';
      }
      const expedition = await this.expeditionOf(tiny, row.tiny_order_id);
      const readiness = trackingReadiness(expedition, row.notice ?? {});
      const grouping = { grouping_id: readiness.groupingId ?? null, grouping_type: readiness.groupingType ?? null };
      if (row.state === 'sent' && (!readiness.ready || readiness.shipment.trackingCode === row.tracking_code)) {
        if (isUrlProblem(row.reason_code)) await this.tracking.update(row.id, { reason_code: null, reason: null });
        return 'duplicate';
      }
      if (!readiness.ready) {
        const nextCheck = this.nextCheck(row);
        const reason = nextCheck ? readiness.reason : `${readiness.reason}; automatic re-checks stopped, a new notification or "send tracking now" checks again`;
        await this.tracking.update(row.id, { ...grouping, ideris_order_id: binding.iderisOrderId, state: 'waiting', reason_code: readiness.code, reason, next_check_at: nextCheck, failures: 0 }, { countCheck: true });
        return 'waiting';
      }
      const { shipment } = readiness;
      await this.tracking.update(
        row.id,
        {
          ...grouping,
          ideris_order_id: binding.iderisOrderId,
          state: 'sending',
          reason_code: null,
          reason: null,
          tracking_code: shipment.trackingCode,
          tracking_url: shipment.trackingUrl ?? null,
          carrier: shipment.carrier ?? null,
          shipping_method: shipment.shippingMethod,
          freight_service: shipment.freightService ?? null,
          delivery_path: ideris.path,
          ...(row.state === 'sent' && row.tracking_code ? { replaced_codes: JSON.stringify([...(row.replaced_codes ?? []), row.tracking_code]) } : {}),
          // Looked at again if nothing confirms this send (its worker died): Ideris is read first then.
          next_check_at: unconfirmedSendRecheckAt(this.options.claimMs),
        },
        { countCheck: true, countSend: true },
      );
      sendingCommitted = true;
      const answer = await ideris.sendTracking({
        submission: { orderId: binding.iderisOrderId, ...shipment },
        tinyOrderId: row.tiny_order_id,
        tinyInvoiceId: row.tiny_invoice_id,
        marketplaceOrderCode: binding.marketplaceOrderCode ?? row.marketplace_order_code,
      });
      if (row.marker_state === 'marked') {
        // A changed code: the marker already says "sent"; it is not left twice.
        await this.tracking.update(row.id, { state: 'sent', ideris_answer: JSON.stringify(answer ?? null), sent_at: new Date(), next_check_at: null, failures: 0 });
        this.logger.log({ msg: 'changed tracking code sent to Ideris', connectionId: row.connection_id, tinyOrderId: row.tiny_order_id, iderisOrderId: binding.iderisOrderId, trackingCode: shipment.trackingCode, path: ideris.path, trigger });
        return 'sent';
      }
      // The marker is left right after; the re-check time only matters if this worker dies before it is.
      await this.tracking.update(row.id, { state: 'sent', ideris_answer: JSON.stringify(answer ?? null), sent_at: new Date(), marker_state: 'pending', next_check_at: unconfirmedSendRecheckAt(this.options.claimMs), failures: 0 });
      this.logger.log({ msg: 'tracking sent to Ideris', connectionId: row.connection_id, tinyOrderId: row.tiny_order_id, iderisOrderId: binding.iderisOrderId, trackingCode: shipment.trackingCode, path: ideris.path, trigger });
    } catch (error) {
      if (error instanceof NotificationUrlError) {
        // Not accepted; no retry changes it, an operator fixing the connection does (looked at again then).
        const waiting: TrackingSyncPatch = { reason_code: error.problem, reason: error.plainReason, next_check_at: null, failures: 0 };
        await this.tracking.update(row.id, deliveredBefore ? { ...previousCodeOf(row, sendingCommitted), ...waiting, state: 'sent' } : { ...waiting, state: 'waiting' });
        this.logger.warn({ msg: 'tracking waits for the connection\'s tracking URL to be fixed', connectionId: row.connection_id, tinyOrderId: row.tiny_order_id, reasonCode: error.problem });
        return 'waiting';
      }
      const verdict = this.failures.classify(error, row.failures + 1);
      if (verdict.action === 'refuse') {
        // A changed code refused leaves the first one as sent (it is what Ideris has), with the reason.
        const refused: TrackingSyncPatch = { reason_code: 'refused', reason: (error as Error).message, next_check_at: null, failures: 0 };
        await this.tracking.update(row.id, deliveredBefore ? { ...previousCodeOf(row, sendingCommitted), ...refused, state: 'sent' } : { ...refused, state: 'failed' });
        return 'failed';
      }
      // After `sending`, Ideris may have accepted it (an answer lost): the retry reads Ideris before sending again.
      const state = sendingCommitted || row.state === 'sending' ? 'sending' : row.state === 'sent' ? 'sent' : 'received';
      await this.tracking.update(row.id, { state, reason: `will retry: ${(error as Error).message}`, next_check_at: new Date(Date.now() + verdict.delayMs) }, { countFailure: true });
      throw error;
    }
    await this.leaveMarker({ ...row, marker_state: 'pending' }, tiny);
    return 'sent';
  }

  /** The marker never holds the tracking back: its failures are recorded and retried a few times. */
  private async leaveMarker(row: TrackingSyncRow, tiny: TinyClient): Promise<void> {
    const attempt = row.marker_attempts + 1;
    const retryAt = attempt < MARKER_ATTEMPTS ? new Date(Date.now() + recheckDelay(this.options, attempt)) : null;
    try {
      const marked = await markTrackingSent(tiny, row.tiny_order_id);
      await this.tracking.update(
        row.id,
        { marker_state: marked.state, marker_error: marked.error ?? null, marked_at: marked.state === 'marked' ? new Date() : null, next_check_at: marked.state === 'failed' ? retryAt : null },
        { countMarker: true },
      );
      if (marked.state !== 'marked') this.logger.warn({ msg: 'tracking marker not left in Tiny', connectionId: row.connection_id, tinyOrderId: row.tiny_order_id, state: marked.state, err: marked.error });
    } catch (error) {
      await this.tracking.update(row.id, { marker_state: 'pending', marker_error: (error as Error).message, next_check_at: retryAt }, { countMarker: true });
    }
  }

  private async expeditionOf(tiny: TinyClient, tinyOrderId: string): Promise<TinyExpedition | undefined> {
    try {
      return await new TinyFulfilmentApi(tiny).getExpedition({ orderId: tinyOrderId });
    } catch (error) {
      if (error instanceof TinyApiError && error.kind === 'not-found') return undefined;
      throw error;
    }
  }

  private nextCheck(row: TrackingSyncRow): Date | null {
    if (Date.now() - new Date(row.first_seen_at).getTime() > this.options.recheckForMs) return null;
    return new Date(Date.now() + recheckDelay(this.options, row.checks + 1));
  }

  private count(outcome: TrackingProcessOutcome): TrackingProcessOutcome {
    outcomes.inc({ outcome });
    return outcome;
  }
}

function isUrlProblem(reasonCode: string | null): boolean {
  return reasonCode !== null && URL_REASON_CODES.includes(reasonCode);
}

/**
 * What Ideris holds again after a changed code was not accepted: the row as it was (`sent`, the new code committed
 * by this attempt), or the last replaced code (a retry of a changed code left `sending`; its URL is not known).
 */
function previousCodeOf(row: TrackingSyncRow, sendingCommitted: boolean): TrackingSyncPatch {
  if (row.state === 'sent') {
    if (!sendingCommitted) return {};
    const { tracking_code, tracking_url, carrier, shipping_method, freight_service } = row;
    return { tracking_code, tracking_url, carrier, shipping_method, freight_service, replaced_codes: JSON.stringify(row.replaced_codes ?? []) };
  }
  const replaced = row.replaced_codes ?? [];
  const previous = replaced.at(-1);
  if (!previous) return {};
  return { tracking_code: previous, tracking_url: null, replaced_codes: JSON.stringify(replaced.slice(0, -1)) };
}

/** The latest `rastreio` named a code other than the one sent: the hub looks at Tiny's expedition again. */
function noticeNamesAnotherCode(row: TrackingSyncRow): boolean {
  const noticed = row.notice?.trackingCode;
  return !!noticed && !!row.tracking_code && noticed !== row.tracking_code;
}
