import { Injectable } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { Consumers, OrderEvents, orderImportRequestedProblems, type OrderImportRequestedV1 } from '@hub/contracts';
import { JetStreamHandler, type MessageContext } from '@hub/messaging';
import { bindConnection } from '@hub/platform';
import { OrderImportTurns } from './order-import-turns';
import { OrderImportService } from './order-import.service';

/**
 * Import jobs one replica runs at once. An import spends most of its time waiting for its connection's Tiny and Ideris
 * budget slots (a Tiny 30/min account grants one call every 2 s), and the jobs of every connection share one consumer:
 * the slots must cover every busy connection the replica serves. Each connection holds at most its turns of them
 * (`OrderImportTurns`, ADR 0031): a job over them leaves its order waiting and is acknowledged at once, so one
 * connection's backlog no longer fills the slots. A running import costs a promise and its claim's renewals; the
 * consumer's `maxAckPending` (512) caps the total over all replicas. tools/deploy/capacity.spec.ts checks it against the model.
 */
export const ORDER_IMPORTS_IN_FLIGHT = 128;

/**
 * Order import jobs. No inbox transaction: the import makes its own commits around the Tiny call (the attempt
 * journal must be committed before `pedido.incluir`), and a repeated job finds the order already bound. A job whose
 * connection has no free turn here leaves its order waiting for one (committed before the ack).
 */
@Injectable()
export class OrderImportHandler {
  constructor(private readonly importer: OrderImportService, private readonly turns: OrderImportTurns) {}

  @JetStreamHandler(Consumers.ordersImport, OrderEvents.importRequested, { concurrency: ORDER_IMPORTS_IN_FLIGHT, inbox: false, check: orderImportRequestedProblems })
  async handle(ctx: MessageContext<OrderImportRequestedV1>): Promise<void> {
    const { connectionId, iderisOrderId, trigger } = ctx.payload;
    bindConnection(connectionId);
    await this.turns.job(connectionId, iderisOrderId, trigger, async () => {
      try {
        // The import's calls (Ideris read, Tiny creation, stock posting) keep the place of its start in the queue: an
        // order created in Tiny gets its stock posted next, not after every import that started later (ADR 0030).
        await runInLane('realtime', () => this.importer.import(connectionId, iderisOrderId, trigger), { since: 'now' });
      } catch (error) {
        await this.importer.recordFailedAttempt(connectionId, iderisOrderId, ctx.attempt, ctx.failure(error));
        throw error;
      }
    });
  }
}
