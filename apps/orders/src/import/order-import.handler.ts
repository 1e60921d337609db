import { Injectable } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { Consumers, OrderEvents, type OrderImportRequestedV1 } from '@hub/contracts';
import { BusyError, describeError, JetStreamHandler, type MessageContext } from '@hub/messaging';
import { bindConnection } from '@hub/platform';
import { OrderImportService } from './order-import.service';
import { OrderSyncRepository } from './order-sync.repository';

/**
 * Order import jobs. No inbox transaction: the import makes its own commits around the Tiny call (the attempt
 * journal must be committed before `pedido.incluir`), and a repeated job finds the order already bound.
 */
@Injectable()
export class OrderImportHandler {
  constructor(private readonly importer: OrderImportService, private readonly orders: OrderSyncRepository) {}

  @JetStreamHandler(Consumers.ordersImport, OrderEvents.importRequested, { concurrency: 16, inbox: false })
  async handle(ctx: MessageContext<OrderImportRequestedV1>): Promise<void> {
    const { connectionId, iderisOrderId, trigger } = ctx.payload;
    bindConnection(connectionId);
    try {
      await runInLane('realtime', () => this.importer.import(connectionId, iderisOrderId, trigger));
    } catch (error) {
      if (error instanceof BusyError) throw error;
      const described = describeError(error);
      const lastAttempt = ctx.attempt >= Consumers.ordersImport.maxAttempts || described.kind !== 'transient';
      const row = await this.orders.find(connectionId, iderisOrderId);
      if (row && row.state !== 'imported') {
        // The worker's status, apart from the business outcome: "gave up after retries" is not "Tiny refused it".
        await this.orders.update(this.orders.manager, row.id, { work_status: lastAttempt ? 'gave_up' : 'queued', reason: described.message });
        await this.orders.history(this.orders.manager, row.id, lastAttempt ? 'gave-up' : 'attempt-failed', { attempt: ctx.attempt, error: described.message, kind: described.kind });
      }
      throw error;
    }
  }
}
