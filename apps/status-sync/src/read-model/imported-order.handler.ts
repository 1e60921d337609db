import { Injectable } from '@nestjs/common';
import { Consumers, OrderEvents, type OrderImportedV1 } from '@hub/contracts';
import { JetStreamHandler, type MessageContext } from '@hub/messaging';
import { bindConnection } from '@hub/platform';
import { OrderStatusRepository } from '../order-status/order-status.repository';

/** Orders the hub imported: only these have their statuses synchronised. Written in the inbox transaction. */
@Injectable()
export class ImportedOrderHandler {
  constructor(private readonly orders: OrderStatusRepository) {}

  @JetStreamHandler(Consumers.statusSyncOrders, OrderEvents.imported, { concurrency: 8 })
  async handle(ctx: MessageContext<OrderImportedV1>): Promise<void> {
    const { connectionId, iderisOrderId, tinyOrderId } = ctx.payload;
    bindConnection(connectionId);
    await this.orders.recordImported(ctx.manager, { connectionId, iderisOrderId, tinyOrderId });
  }
}
