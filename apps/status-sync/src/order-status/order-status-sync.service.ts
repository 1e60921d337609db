import { Injectable, Logger } from '@nestjs/common';
import { Consumers, type AttentionResolution, type StatusMapV1, type TinyOrderSituation } from '@hub/contracts';
import { IderisApiError, IderisOrderWritesApi } from '@hub/ideris';
import { counter, keepAlive } from '@hub/platform';
import { TinyApiError } from '@hub/tiny';
import { BusyError, FailurePolicy } from '@hub/work';
import { ConnectionClients, type ConnectionClientSet } from '@hub/integrations';
import { StatusMapService } from '../status-map/status-map.service';
import { needsAttention, OrderStatusRepository, pendingWriteMs, toState, type OrderStatusRow } from './order-status.repository';
import { decideIderisChange, decideTinyChange, type IderisChangeOutcome, type Side, type TinyChangeOutcome } from './status-decisions';

const decisions = counter('hub_status_decisions_total', 'Status changes seen, by direction and outcome', ['direction', 'outcome']);
const writes = counter('hub_status_writes_total', 'Status writes the hub made, by side', ['side']);

/** The cause of a write an operator asked for (`resolve`). */
const OPERATOR = 'operator';


export type ResolveResult = { resolved: true; action: AttentionResolution; tinySituation: TinyOrderSituation | null } | { resolved: false; status: 404 | 409; reason: string };

/** A status write the API answered no to: asking again gets the same answer (a limit, an outage, a timeout or credentials would not). */
const STATUS_WRITE_FAILURES = FailurePolicy.forConsumer(Consumers.statusSyncSituations, [
  { error: IderisApiError, kinds: ['not-found', 'validation', 'request'] },
  { error: TinyApiError, kinds: ['validation', 'not-found', 'duplicate', 'empty', 'request'] },
]);

/**
 * Applies one side's status change to the other, for orders the hub imported. Each decision is taken under the
 * order's row lock; a write is announced (committed as pending) before the call and confirmed after it, so the
 * notification or poll that merely reflects it (its echo) is recognised and never sent back.
 */
@Injectable()
export class OrderStatusSyncService {
  private readonly logger = new Logger(OrderStatusSyncService.name);
  private readonly iderisReads = new Map<string, Promise<number | undefined>>();

  constructor(
    private readonly orders: OrderStatusRepository,
    private readonly clients: ConnectionClients,
    private readonly maps: StatusMapService,
  ) {}

  /** Tiny → Ideris: one situation notification. */
  async applyTinySituation(connectionId: string, tinyOrderId: string, situation: TinyOrderSituation, streamSequence: number, source: string): Promise<TinyChangeOutcome | 'unknown-order' | 'ideris-refused'> {
    const row = await this.orders.findByTiny(connectionId, tinyOrderId);
    if (!row) return 'unknown-order';
    const { map } = await this.maps.get(connectionId);
    const clients = await this.clients.forActive(connectionId);
    if (decideTinyChange(toState(row), { situation, streamSequence }, map).write !== undefined) {
      // About to write Ideris: decide on its status now, not the last one seen (the marketplace may have cancelled
      // the order since the poller's last round), so a cancellation is never overwritten nor left unhandled.
      await this.refreshIderisStatus(row, clients, map);
    }
    const decision = await this.orders.transaction(async (m) => {
      const locked = await this.orders.lock(m, row.id);
      const state = toState(locked);
      const decided = decideTinyChange(state, { situation, streamSequence }, map);
      if (decided.write !== undefined && state.pending) throw new BusyError(`a status write on order ${row.ideris_order_id} is in flight`);
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
    if (decision.write !== undefined) {
      try {
        await this.writeIderis(row, clients, decision.write, `tiny:${situation}`);
      } catch (error) {
        if (!(error instanceof IderisApiError && STATUS_WRITE_FAILURES.refusal(error))) throw error;
        // Ideris refused the status: the marketplace moved the order between our read and our write (a
        // cancellation is final there). What Ideris holds now decides, at once.
        await this.refreshIderisStatus(row, clients, map);
        return 'ideris-refused';
      }
    }
    return decision.outcome;
  }

  /**
   * Reads the order's Ideris status. One that means something for Tiny (a cancellation, a delivery) is decided
   * like a poll result, so it is never merely recorded (the poller would then take it as already handled); any
   * other is recorded.
   */
  private async refreshIderisStatus(row: OrderStatusRow, clients: ConnectionClientSet, map: StatusMapV1): Promise<void> {
    const current = await this.readIderisStatus(row, clients);
    if (current === undefined || current === row.ideris_status_id) return;
    if (map.iderisToTiny[String(current)] !== undefined) {
      await this.applyIderisStatus(row.connection_id, Number(row.ideris_order_id), current, 'read');
      return;
    }
    await this.orders.update(this.orders.manager, row.id, { ideris_status_id: current });
  }

  /**
   * One read of an order's Ideris status, shared by the callers that ask at the same moment: Tiny notifies a
   * change twice (`situacao_pedido`, `atualizacao_pedido`), often with copies, and they are handled concurrently.
   */
  private readIderisStatus(row: OrderStatusRow, clients: ConnectionClientSet): Promise<number | undefined> {
    const key = `${row.connection_id}:${row.ideris_order_id}`;
    let read = this.iderisReads.get(key);
    if (!read) {
      read = clients.ideris.getOrder(row.ideris_order_id).then((order) => order.statusId).finally(() => this.iderisReads.delete(key));
      this.iderisReads.set(key, read);
    }
    return read;
  }

  /**
   * Ideris → Tiny: one observed Ideris status (from the poller, or read before a write). `redecide`: decide it even
   * though it is the status recorded (a write it caused was never confirmed, see `resumeLapsedWrites`).
   */
  async applyIderisStatus(connectionId: string, iderisOrderId: number, statusId: number, source: string, redecide = false): Promise<IderisChangeOutcome | 'unknown-order'> {
    const row = await this.orders.findByIderis(connectionId, iderisOrderId);
    if (!row) return 'unknown-order';
    if (row.ideris_status_id === statusId && !redecide) return 'unchanged';
    const { map } = await this.maps.get(connectionId);
    const clients = await this.clients.forActive(connectionId);
    const ownWrite = toState(row).pending?.side === 'ideris' && row.pending_value === String(statusId);
    // A change that could write Tiny is decided on Tiny's situation read now, not on what notifications said.
    const fresh = map.iderisToTiny[String(statusId)] !== undefined && !ownWrite ? (await clients.tiny.getOrder(row.tiny_order_id)).situation : undefined;
    const decision = await this.orders.transaction(async (m) => {
      const locked = await this.orders.lock(m, row.id);
      if (fresh && fresh !== locked.tiny_situation) await this.orders.update(m, row.id, { tiny_situation: fresh });
      const state = { ...toState(locked), ...(fresh ? { tinySituation: fresh } : {}), ...(redecide ? { iderisStatusId: null } : {}) };
      const decided = decideIderisChange(state, statusId, map);
      if (decided.write !== undefined && state.pending) throw new BusyError(`a status write on order ${row.ideris_order_id} is in flight`);
      await this.orders.update(m, row.id, { ideris_status_id: statusId });
      if (decided.outcome === 'needs-attention' && !needsAttention(locked)) {
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

  /**
   * Writes announced by a writer that died before confirming them (the pending write lapsed): each is finished
   * once. The side written is read first: if it holds the value, the write happened and is confirmed; otherwise
   * the change that caused it is decided again on what both sides hold now (it may be written, need attention,
   * or no longer apply). Run by the poller of the connection.
   */
  async resumeLapsedWrites(connectionId: string, limit = 20): Promise<{ resumed: number; problems: { iderisOrderId: string; detail: string }[] }> {
    const rows = await this.orders.lapsedWrites(connectionId, limit);
    const problems: { iderisOrderId: string; detail: string }[] = [];
    for (const row of rows) {
      await this.resumeLapsedWrite(row).catch((error: Error) => {
        if (!(error instanceof BusyError)) problems.push({ iderisOrderId: row.ideris_order_id, detail: error.message });
      });
    }
    return { resumed: rows.length, problems };
  }

  private async resumeLapsedWrite(row: OrderStatusRow): Promise<void> {
    const { map } = await this.maps.get(row.connection_id);
    const clients = await this.clients.forActive(row.connection_id);
    const side = row.pending_side!;
    const value = row.pending_value!;
    const held = side === 'tiny' ? (await clients.tiny.getOrder(row.tiny_order_id)).situation : (await clients.ideris.getOrder(row.ideris_order_id)).statusId;
    const next = await this.orders.transaction(async (m) => {
      const locked = await this.orders.lock(m, row.id);
      // Someone else took the order over meanwhile (a new write, or another replica resuming this one).
      if (locked.pending_side !== side || locked.pending_value !== value || toState(locked).pending) return 'taken' as const;
      await this.orders.update(m, row.id, { pending_side: null, pending_value: null, pending_until: null });
      if (held !== undefined && String(held) === value) {
        await this.orders.update(m, row.id, side === 'tiny' ? { tiny_situation: value as TinyOrderSituation } : { ideris_status_id: Number(value) });
        await this.orders.update(m, row.id, { last_written_side: side, last_written_value: value, last_written_at: new Date() });
        await this.orders.event(m, row.id, side === 'tiny' ? 'wrote-tiny' : 'wrote-ideris', { value, cause: 'resumed: the side already held it' });
        return 'confirmed' as const;
      }
      await this.orders.event(m, row.id, 'write-lapsed', { side, value, held: held ?? null });
      return 'redecide' as const;
    });
    if (next !== 'redecide') return;
    if (side === 'tiny') {
      // The Ideris status that asked for this Tiny write is decided again, on Tiny's situation read now.
      if (row.ideris_status_id !== null) await this.applyIderisStatus(row.connection_id, Number(row.ideris_order_id), row.ideris_status_id, 'resume', true);
      return;
    }
    const current = held as number | undefined;
    if (current !== undefined && map.iderisToTiny[String(current)] !== undefined && current !== row.ideris_status_id) {
      // The marketplace moved the order meanwhile (a cancellation): that decides, not the old Tiny change.
      await this.applyIderisStatus(row.connection_id, Number(row.ideris_order_id), current, 'resume');
      return;
    }
    // The Tiny situation that asked for this Ideris write (recorded when it was decided) is decided again.
    const again = await this.orders.transaction(async (m) => {
      const locked = await this.orders.lock(m, row.id);
      if (toState(locked).pending || locked.tiny_situation === null) return undefined;
      if (current !== undefined && current !== locked.ideris_status_id) await this.orders.update(m, row.id, { ideris_status_id: current });
      const state = { ...toState(locked), tinySituation: null, iderisStatusId: current ?? locked.ideris_status_id };
      const decided = decideTinyChange(state, { situation: locked.tiny_situation, streamSequence: Number(locked.tiny_sequence ?? 0) }, map);
      if (decided.write !== undefined) await this.announce(m, row.id, 'ideris', String(decided.write));
      await this.orders.event(m, row.id, 'tiny-change', { situation: locked.tiny_situation, source: 'resume', outcome: decided.outcome, iderisStatusId: state.iderisStatusId });
      return decided.write;
    });
    if (again !== undefined) await this.writeIderis(row, clients, again, `resume:tiny:${row.tiny_situation}`);
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
        await this.writeTiny(row, clients, 'cancelado', OPERATOR);
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
    await this.orders.update(m, id, { pending_side: side, pending_value: value, pending_until: new Date(Date.now() + pendingWriteMs()) });
  }

  private async writeIderis(row: OrderStatusRow, clients: ConnectionClientSet, statusId: number, cause: string): Promise<void> {
    await this.write(row, 'ideris', String(statusId), cause, () => new IderisOrderWritesApi(clients.ideris).changeOrderStatus(Number(row.ideris_order_id), statusId), { ideris_status_id: statusId });
  }

  private async writeTiny(row: OrderStatusRow, clients: ConnectionClientSet, situation: TinyOrderSituation, cause: string): Promise<void> {
    await this.write(row, 'tiny', situation, cause, () => clients.tiny.changeOrderSituation(row.tiny_order_id, situation), { tiny_situation: situation });
  }

  /**
   * Makes an announced write and confirms it. A refusal (the API said no, whatever the retries) or a failed write
   * an operator asked for is withdrawn and thrown. Any other failure may have reached the side or may work later:
   * the write is left announced but lapsed, so the next poll round reads the side and finishes it (see
   * `resumeLapsedWrites`); a retried notification would only find its situation already recorded.
   */
  private async write(row: OrderStatusRow, side: Side, value: string, cause: string, call: () => Promise<void>, confirmed: Partial<OrderStatusRow>): Promise<void> {
    const leaseMs = pendingWriteMs();
    const stopRenewing = keepAlive(() => this.orders.renewPending(row.id, side, value, leaseMs), leaseMs);
    try {
      await call();
    } catch (error) {
      stopRenewing();
      // An operator is told at once: their answer must not be decided again behind their back.
      const withdraw = STATUS_WRITE_FAILURES.refusal(error) !== undefined || cause === OPERATOR;
      await this.orders.transaction(async (m) => {
        await this.orders.update(m, row.id, withdraw ? { pending_side: null, pending_value: null, pending_until: null } : { pending_until: new Date() });
        await this.orders.event(m, row.id, 'write-failed', { side, value, cause, error: (error as Error).message, resumed: !withdraw });
      });
      if (withdraw) throw error;
      this.logger.warn({ msg: 'status write failed; the next poll round finishes it', side, value, cause, iderisOrderId: row.ideris_order_id, err: (error as Error).message });
      return;
    }
    stopRenewing();
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
