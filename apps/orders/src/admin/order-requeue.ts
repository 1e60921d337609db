import { Injectable } from '@nestjs/common';
import { OrderEvents, type OrderImportRequestedV1 } from '@hub/contracts';
import { Outbox } from '@hub/messaging';
import type { EntityManager } from 'typeorm';
import { importJobPending } from '../import/order-import.failures';
import { OrderSyncRepository, type OrderSyncRow } from '../import/order-sync.repository';

type Requeued = Pick<OrderSyncRow, 'id' | 'connection_id' | 'ideris_order_id'>;

/**
 * Queues orders' import jobs again (an operator's reprocess, a SKU mapping, a marketplace account turned on), with a
 * history line each. An order whose job is still pending (queued or retrying in JetStream) gets no second job.
 */
@Injectable()
export class OrderRequeue {
  constructor(private readonly orders: OrderSyncRepository, private readonly outbox: Outbox) {}

  /** The rows queued again; those with a pending job are left out. */
  async requeue(rows: OrderSyncRow[], trigger: string): Promise<OrderSyncRow[]> {
    const queued = rows.filter((row) => !importJobPending(row));
    if (queued.length) await this.orders.transaction((m) => this.queueJobs(m, queued, trigger));
    return queued;
  }

  /** Queues one job per row in `m`'s transaction (the caller has chosen rows with no job pending). */
  async queueJobs(m: EntityManager, rows: Requeued[], trigger: string, detail: object = {}): Promise<void> {
    for (const row of rows) {
      await this.orders.update(m, row.id, { work_status: 'queued' });
      await this.orders.history(m, row.id, 'requeued', { trigger, ...detail });
      const job: OrderImportRequestedV1 = { connectionId: row.connection_id, iderisOrderId: Number(row.ideris_order_id), trigger };
      await this.outbox.add(m, { subject: OrderEvents.importRequested.subject, payload: job, messageId: `import:${row.connection_id}:${row.ideris_order_id}:${trigger}:${Date.now()}`, connectionId: row.connection_id });
    }
  }
}
