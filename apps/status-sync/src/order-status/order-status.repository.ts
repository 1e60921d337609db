import { Injectable } from '@nestjs/common';
import type { OrderStatusView, TinyOrderSituation } from '@hub/contracts';
import { setting } from '@hub/platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { OrderStatusState, Side } from './status-decisions';

export interface OrderStatusRow {
  id: string;
  connection_id: string;
  ideris_order_id: string;
  tiny_order_id: string;
  imported_at: Date;
  tiny_situation: TinyOrderSituation | null;
  tiny_sequence: string | null;
  ideris_status_id: number | null;
  pending_side: Side | null;
  pending_value: string | null;
  pending_until: Date | null;
  last_written_side: Side | null;
  last_written_value: string | null;
  last_written_at: Date | null;
  attention_reason: string | null;
  attention_at: Date | null;
  attention_resolution: string | null;
  attention_resolved_at: Date | null;
  updated_at: Date;
  ideris_checked_at: Date | null;
}

/**
 * How long an announced write stays "in flight" unless its writer renews it (it does, every third of it, while its
 * call waits in the API budget or runs): a killed writer's write is taken over this soon. `STATUS_WRITE_LEASE_MS`
 * shortens it in tests.
 */
export function pendingWriteMs(): number {
  return setting<number>('STATUS_WRITE_LEASE_MS');
}

export function toState(row: OrderStatusRow, now = Date.now()): OrderStatusState {
  const live = row.pending_side && row.pending_value && row.pending_until && new Date(row.pending_until).getTime() > now;
  return {
    tinySituation: row.tiny_situation,
    tinySequence: row.tiny_sequence === null ? null : Number(row.tiny_sequence),
    iderisStatusId: row.ideris_status_id,
    pending: live ? { side: row.pending_side!, value: row.pending_value! } : null,
  };
}

export function needsAttention(row: OrderStatusRow): boolean {
  return row.attention_reason !== null && row.attention_resolved_at === null;
}

export function toOrderStatusView(row: OrderStatusRow): OrderStatusView {
  return {
    iderisOrderId: Number(row.ideris_order_id),
    tinyOrderId: row.tiny_order_id,
    tinySituation: row.tiny_situation,
    iderisStatusId: row.ideris_status_id,
    needsAttention: needsAttention(row),
    attentionReason: row.attention_reason,
    attentionResolution: row.attention_resolution,
    lastWritten: row.last_written_side && row.last_written_value && row.last_written_at
      ? { side: row.last_written_side, value: row.last_written_value, at: new Date(row.last_written_at).toISOString() }
      : null,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** status-sync's read model of imported orders: both sides' states, the hub's own writes, attention. */
@Injectable()
export class OrderStatusRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records an imported order once (a redelivered event finds it). */
  async recordImported(m: EntityManager, order: { connectionId: string; iderisOrderId: number; tinyOrderId: string }): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `INSERT INTO order_status (connection_id, ideris_order_id, tiny_order_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING id`,
      [order.connectionId, order.iderisOrderId, order.tinyOrderId],
    );
    return rows.length > 0;
  }

  async findByTiny(connectionId: string, tinyOrderId: string): Promise<OrderStatusRow | undefined> {
    const rows: OrderStatusRow[] = await this.dataSource.query('SELECT * FROM order_status WHERE connection_id = $1 AND tiny_order_id = $2', [connectionId, tinyOrderId]);
    return rows[0];
  }

  async findByIderis(connectionId: string, iderisOrderId: number): Promise<OrderStatusRow | undefined> {
    const rows: OrderStatusRow[] = await this.dataSource.query('SELECT * FROM order_status WHERE connection_id = $1 AND ideris_order_id = $2', [connectionId, iderisOrderId]);
    return rows[0];
  }

  /** The row, locked for the rest of the transaction: decisions on one order are taken one at a time. */
  async lock(m: EntityManager, id: string): Promise<OrderStatusRow> {
    const rows: OrderStatusRow[] = await m.query('SELECT * FROM order_status WHERE id = $1 FOR UPDATE', [id]);
    return rows[0]!;
  }

  async update(m: EntityManager, id: string, fields: Partial<Omit<OrderStatusRow, 'id'>>): Promise<void> {
    const entries = Object.entries(fields);
    if (entries.length === 0) return;
    const sets = entries.map(([k], i) => `${k} = $${i + 2}`).join(', ');
    await m.query(`UPDATE order_status SET ${sets}, updated_at = now() WHERE id = $1`, [id, ...entries.map(([, v]) => v)]);
  }

  async event(m: EntityManager, orderStatusId: string, kind: string, detail: object = {}): Promise<void> {
    await m.query('INSERT INTO order_status_event (order_status_id, kind, detail) VALUES ($1, $2, $3)', [orderStatusId, kind, JSON.stringify(detail)]);
  }

  /** The oldest import among orders that can still change (not cancelled or delivered on both sides). */
  async oldestOpenImport(connectionId: string, since: Date): Promise<Date | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT min(imported_at) AS oldest FROM order_status
        WHERE connection_id = $1 AND imported_at >= $2 AND coalesce(tiny_situation, '') NOT IN ('cancelado', 'entregue')`,
      [connectionId, since],
    )) as [{ oldest: Date | null }];
    return row.oldest ? new Date(row.oldest) : undefined;
  }

  /** Renews an announced write its writer is still making. */
  async renewPending(id: string, side: Side, value: string, forMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE order_status SET pending_until = now() + make_interval(secs => $4::int / 1000.0) WHERE id = $1 AND pending_side = $2 AND pending_value = $3`,
      [id, side, value, forMs],
    );
  }

  /** Orders whose announced write lapsed without being confirmed (its writer died or gave up mid-call). */
  async lapsedWrites(connectionId: string, limit: number): Promise<OrderStatusRow[]> {
    return this.dataSource.query(
      `SELECT * FROM order_status WHERE connection_id = $1 AND pending_side IS NOT NULL AND pending_until < now() ORDER BY pending_until LIMIT $2`,
      [connectionId, limit],
    );
  }

  /**
   * Orders imported before `importedBefore` that can still change (open in Tiny, not in a final Ideris status), the
   * least recently checked first: the status feed's search window no longer covers them, so they are read one by one.
   */
  async longOpenOrders(connectionId: string, importedBefore: Date, finalIderisStatuses: number[], limit: number): Promise<OrderStatusRow[]> {
    return this.dataSource.query(
      `SELECT * FROM order_status
        WHERE connection_id = $1 AND imported_at < $2 AND coalesce(tiny_situation, '') NOT IN ('cancelado', 'entregue')
          AND (ideris_status_id IS NULL OR NOT (ideris_status_id = ANY($3::int[])))
        ORDER BY ideris_checked_at NULLS FIRST, imported_at LIMIT $4`,
      [connectionId, importedBefore, finalIderisStatuses, limit],
    );
  }

  async markIderisChecked(id: string): Promise<void> {
    await this.dataSource.query('UPDATE order_status SET ideris_checked_at = now() WHERE id = $1', [id]);
  }

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(fn);
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }
}
