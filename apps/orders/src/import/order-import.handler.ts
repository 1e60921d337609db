import { Injectable } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { Consumers, OrderEvents, type OrderImportRequestedV1 } from '@hub/contracts';
import { JetStreamHandler, type MessageContext } from '@hub/messaging';
import { bindConnection } from '@hub/platform';
import { OrderImportService } from './order-import.service';

/**
 * Order import jobs. No inbox transaction: the import makes its own commits around the Tiny call (the attempt
 * journal must be committed before `pedido.incluir`), and a repeated job finds the order already bound.
 */
@Injectable()
export class OrderImportHandler {
  constructor(private readonly importer: OrderImportService) {}

  @JetStreamHandler(Consumers.ordersImport, OrderEvents.importRequested, { concurrency: 16, inbox: false })
  async handle(ctx: MessageContext<OrderImportRequestedV1>): Promise<void> {
    const { connectionId, iderisOrderId, trigger } = ctx.payload;
    bindConnection(connectionId);
    try {
      await runInLane('realtime', () => this.importer.import(connectionId, iderisOrderId, trigger));
    } catch (error) {
      await this.importer.recordFailedAttempt(connectionId, iderisOrderId, ctx.attempt, ctx.failure(error));
      throw error;
    }
  }
}
