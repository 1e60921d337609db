import { Injectable } from '@nestjs/common';
import { OrderEvents, type OrderImportRequestedV1 } from '@hub/contracts';
import { Outbox } from '@hub/messaging';
import { OrderSyncRepository, type OrderSyncRow } from '../import/order-sync.repository';

/** Queues orders' import jobs again (an operator's reprocess, one or many), with a history line each. */
@Injectable()
export class OrderRequeue {
  constructor(private readonly orders: OrderSyncRepository, private readonly outbox: Outbox) {}

  async requeue(rows: OrderSyncRow[], trigger: string): Promise<void> {
    await this.orders.transaction(async (m) => {
      for (const row of rows) {
        await this.orders.update(m, row.id, { work_status: 'queued' });
        await this.orders.history(m, row.id, 'requeued', { trigger });
        const job: OrderImportRequestedV1 = { connectionId: row.connection_id, iderisOrderId: Number(row.ideris_order_id), trigger };
        await this.outbox.add(m, { subject: OrderEvents.importRequested.subject, payload: job, messageId: `import:${row.connection_id}:${row.ideris_order_id}:${trigger}:${Date.now()}`, connectionId: row.connection_id });
      }
    });
  }
}
