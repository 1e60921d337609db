import { Injectable, Logger } from '@nestjs/common';
import { Consumers, OrderEvents, type OrderImportedV1 } from '@hub/contracts';
import { JetStreamHandler, type MessageContext } from '@hub/messaging';
import { bindConnection } from '@hub/platform';
import { OrderBindingRepository } from './order-binding.repository';
import { returningRows } from '@hub/work';

/**
 * Keeps the bindings of imported orders. A new binding makes invoices and tracking that arrived before it
 * due at once, so the scheduler sends them without waiting for their next retry.
 */
@Injectable()
export class OrderImportedHandler {
  private readonly logger = new Logger(OrderImportedHandler.name);

  constructor(private readonly bindings: OrderBindingRepository) {}

  @JetStreamHandler(Consumers.fiscalShippingOrders, OrderEvents.imported, { concurrency: 8 })
  async handle(ctx: MessageContext<OrderImportedV1>): Promise<void> {
    const { connectionId, iderisOrderId, tinyOrderId, tinyOrderNumber, marketplaceOrderCode } = ctx.payload;
    bindConnection(connectionId);
    const created = await this.bindings.bind(ctx.manager, {
      connectionId,
      iderisOrderId,
      tinyOrderId,
      tinyOrderNumber: tinyOrderNumber ?? null,
      marketplaceOrderCode: marketplaceOrderCode ?? null,
    });
    if (!created) return;
    const params = [connectionId, tinyOrderId, marketplaceOrderCode ?? null];
    const match = `connection_id = $1 AND (tiny_order_id = $2 OR ($3::text IS NOT NULL AND marketplace_order_code = $3))`;
    const invoices = returningRows<unknown>(await ctx.manager.query(
      `UPDATE invoice_sync SET next_check_at = now(), updated_at = now() WHERE ${match} AND state IN ('waiting_binding', 'ignored', 'received') RETURNING 1`,
      params,
    ));
    const tracking = returningRows<unknown>(await ctx.manager.query(
      `UPDATE tracking_sync SET next_check_at = now(), updated_at = now() WHERE ${match} AND state IN ('waiting_binding', 'received') RETURNING 1`,
      params,
    ));
    if (invoices.length + tracking.length > 0) {
      this.logger.log({ msg: 'order bound: early notifications are due now', connectionId, iderisOrderId, tinyOrderId, invoices: invoices.length, tracking: tracking.length });
    }
  }
}
