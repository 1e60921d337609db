import { Injectable, Logger } from '@nestjs/common';
import type { AttentionResolution, TinyOrderSituation } from '@hub/contracts';
import { IderisOrderWritesApi } from '@hub/ideris';
import { counter } from '@hub/platform';
import { ConnectionClients, type ConnectionClientSet } from '@hub/integrations';
import { StatusMapService } from '../status-map/status-map.service';
import { needsAttention, OrderStatusRepository, PENDING_WRITE_MS, toState, type OrderStatusRow } from './order-status.repository';
import { decideIderisChange, decideTinyChange, type IderisChangeOutcome, type Side, type TinyChangeOutcome } from './status-decisions';

const decisions = counter('hub_status_decisions_total', 'Status changes seen, by direction and outcome', ['direction', 'outcome']);
const writes = counter('hub_status_writes_total', 'Status writes the hub made, by side', ['side']);

/** Another write on the same order is in flight: retry shortly (a transient condition, never a failure). */
export class OrderBusyError extends Error {
  readonly kind = 'transient';
  constructor(iderisOrderId: string) {
    super(`a status write on order ${iderisOrderId} is in flight`);
    this.name = 'OrderBusyError';
  }
}

export type ResolveResult = { resolved: true; action: AttentionResolution; tinySituation: TinyOrderSituation | null } | { resolved: false; status: 404 | 409; reason: string };

/**
 * Applies one side's status change to the other, for orders the hub imported. Each decision is taken under the
 * order's row lock; a write is announced (committed as pending) before the call and confirmed after it, so the
 * notification or poll that merely reflects it (its echo) is recognised and never sent back.
 */
@Injectable()
export class OrderStatusSyncService {
  private readonly logger = new Logger(OrderStatusSyncService.name);

  constructor(
    private readonly orders: OrderStatusRepository,
    private readonly clients: ConnectionClients,
    private readonly maps: StatusMapService,
  ) {}

  /** Tiny → Ideris: one situation notification. */
  async applyTinySituation(connectionId: string, tinyOrderId: string, situation: TinyOrderSituation, streamSequence: number, source: string): Promise<TinyChangeOutcome | 'unknown-order'> {
    const row = await this.orders.findByTiny(connectionId, tinyOrderId);
    if (!row) return 'unknown-order';
    const { map } = await this.maps.get(connectionId);
    const clients = await this.clients.forActive(connectionId);
    const target = map.tinyToIderis[situation];
    if (row.ideris_status_id === null && target !== null && target !== undefined) {
      // Not known yet (no poll saw it): one read, so a write Ideris already holds is never made.
      const order = await clients.ideris.getOrder(row.ideris_order_id);
      if (order.statusId !== undefined) {
        await this.orders.manager.query('UPDATE order_status SET ideris_status_id = $2 WHERE id = $1 AND ideris_status_id IS NULL', [row.id, order.statusId]);
      }
    }
    const decision = await this.orders.transaction(async (m) => {
      const locked = await this.orders.lock(m, row.id);
      const state = toState(locked);
      const decided = decideTinyChange(state, { situation, streamSequence }, map);
      if (decided.write !== undefined && state.pending) throw new OrderBusyError(row.ideris_order_id);
      if (decided.accept) await this.orders.update(m, row.id, { tiny_situation: situation, tiny_sequence: String(streamSequence) });
      if (decided.accept && situation === 'cancelado' && needsAttention(locked)) {
        // The seller cancelled it in Tiny themselves: what the attention asked for is done.
        await this.orders.update(m, row.id, { attention_resolution: 'cancelled-in-tiny', attention_resolved_at: new Date() });
        await this.orders.event(m, row.id, 'resolved', { action: 'cancelled in Tiny by the seller' });
      }
      if (decided.write !== undefined) await this.announce(m, row.id, 'ideris', String(decided.write));
      await this.orders.event(m, row.id, 'tiny-change', { situation, streamSequence, source, outcome: decided.outcome, iderisStatusId: state.iderisStatusId });
      return decided;
    });
    decisions.inc({ direction: 'tiny-to-ideris', outcome: decision.outcome });
    if (decision.write !== undefined) await this.writeIderis(row, clients, decision.write, `tiny:${situation}`);
    return decision.outcome;
  }

  /** Ideris → Tiny: one observed Ideris status (from the poller). */
  async applyIderisStatus(connectionId: string, iderisOrderId: number, statusId: number, source: string): Promise<IderisChangeOutcome | 'unknown-order'> {
    const row = await this.orders.findByIderis(connectionId, iderisOrderId);
    if (!row) return 'unknown-order';
    if (row.ideris_status_id === statusId) return 'unchanged';
    const { map } = await this.maps.get(connectionId);
    const clients = await this.clients.forActive(connectionId);
    const ownWrite = toState(row).pending?.side === 'ideris' && row.pending_value === String(statusId);
    // A change that could write Tiny is decided on Tiny's situation read now, not on what notifications said.
    const fresh = map.iderisToTiny[String(statusId)] !== undefined && !ownWrite ? (await clients.tiny.getOrder(row.tiny_order_id)).situation : undefined;
    const decision = await this.orders.transaction(async (m) => {
      const locked = await this.orders.lock(m, row.id);
      if (fresh && fresh !== locked.tiny_situation) await this.orders.update(m, row.id, { tiny_situation: fresh });
      const state = { ...toState(locked), ...(fresh ? { tinySituation: fresh } : {}) };
      const decided = decideIderisChange(state, statusId, map);
      if (decided.write !== undefined && state.pending) throw new OrderBusyError(row.ideris_order_id);
      await this.orders.update(m, row.id, { ideris_status_id: statusId });
      if (decided.outcome === 'needs-attention') {
        await this.orders.update(m, row.id, {
          attention_reason: `cancelled in the marketplace (Ideris status ${statusId}) after Tiny reached "${state.tinySituation}"`,
          attention_at: new Date(), attention_resolution: null, attention_resolved_at: null,
        });
      }
      if (decided.write !== undefined) await this.announce(m, row.id, 'tiny', decided.write);
      await this.orders.event(m, row.id, decided.outcome === 'needs-attention' ? 'needs-attention' : 'ideris-change', { statusId, source, outcome: decided.outcome, tinySituation: state.tinySituation });
      return decided;
    });
    decisions.inc({ direction: 'ideris-to-tiny', outcome: decision.outcome });
    if (decision.outcome === 'needs-attention') this.logger.warn({ msg: 'order needs attention: cancelled in the marketplace after Tiny worked on it', connectionId, iderisOrderId, tinySituation: fresh });
    if (decision.write !== undefined) await this.writeTiny(row, clients, decision.write, `ideris:${statusId}`);
    return decision.outcome;
  }

  /** The operator's answer to a "needs attention" order. */
  async resolve(connectionId: string, iderisOrderId: number, action: AttentionResolution): Promise<ResolveResult> {
    const row = await this.orders.findByIderis(connectionId, iderisOrderId);
    if (!row) return { resolved: false, status: 404, reason: `no imported order ${iderisOrderId} for this connection` };
    if (!needsAttention(row)) return { resolved: false, status: 409, reason: `order ${iderisOrderId} does not need attention` };
    let situation = row.tiny_situation;
    if (action === 'cancel-in-tiny') {
      const clients = await this.clients.forActive(connectionId);
      situation = (await clients.tiny.getOrder(row.tiny_order_id)).situation ?? situation;
      if (situation !== 'cancelado') {
        const claimed = await this.orders.transaction(async (m) => {
          const locked = await this.orders.lock(m, row.id);
          if (toState(locked).pending) return false;
          await this.announce(m, row.id, 'tiny', 'cancelado');
          return true;
        });
        if (!claimed) return { resolved: false, status: 409, reason: 'another status write on this order is in flight; try again' };
        await this.writeTiny(row, clients, 'cancelado', 'operator');
        situation = 'cancelado';
      }
    }
    await this.orders.transaction(async (m) => {
      await this.orders.update(m, row.id, { attention_resolution: action === 'keep' ? 'kept' : 'cancelled-in-tiny', attention_resolved_at: new Date(), ...(situation ? { tiny_situation: situation } : {}) });
      await this.orders.event(m, row.id, 'resolved', { action, tinySituation: situation });
    });
    return { resolved: true, action, tinySituation: situation };
  }

  private async announce(m: Parameters<OrderStatusRepository['update']>[0], id: string, side: Side, value: string): Promise<void> {
    await this.orders.update(m, id, { pending_side: side, pending_value: value, pending_until: new Date(Date.now() + PENDING_WRITE_MS) });
  }

  private async writeIderis(row: OrderStatusRow, clients: ConnectionClientSet, statusId: number, cause: string): Promise<void> {
    await this.write(row, 'ideris', String(statusId), cause, () => new IderisOrderWritesApi(clients.ideris).changeOrderStatus(Number(row.ideris_order_id), statusId), { ideris_status_id: statusId });
  }

  private async writeTiny(row: OrderStatusRow, clients: ConnectionClientSet, situation: TinyOrderSituation, cause: string): Promise<void> {
    await this.write(row, 'tiny', situation, cause, () => clients.tiny.changeOrderSituation(row.tiny_order_id, situation), { tiny_situation: situation });
  }

  private async write(row: OrderStatusRow, side: Side, value: string, cause: string, call: () => Promise<void>, confirmed: Partial<OrderStatusRow>): Promise<void> {
    try {
      await call();
    } catch (error) {
      await this.orders.transaction(async (m) => {
        await this.orders.update(m, row.id, { pending_side: null, pending_value: null, pending_until: null });
        await this.orders.event(m, row.id, 'write-failed', { side, value, cause, error: (error as Error).message });
      });
      throw error;
    }
    await this.orders.transaction(async (m) => {
      await this.orders.update(m, row.id, {
        ...confirmed, last_written_side: side, last_written_value: value, last_written_at: new Date(), pending_side: null, pending_value: null, pending_until: null,
      });
      await this.orders.event(m, row.id, side === 'tiny' ? 'wrote-tiny' : 'wrote-ideris', { value, cause });
    });
    writes.inc({ side });
    this.logger.log({ msg: 'status written', side, value, cause, iderisOrderId: row.ideris_order_id, tinyOrderId: row.tiny_order_id });
  }
}
