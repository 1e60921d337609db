import { Injectable } from '@nestjs/common';
import { ConnectionDirectory } from '@hub/connections';
import { DataSource } from 'typeorm';
import { ConnectionPushLoop } from '../common/connection-push-loop';
import { PricePushService } from './price-push.service';
import { PricesRepository } from './prices.repository';

/** How long an operator's confirmation waits for a running push round of the connection to finish. */
const CONFIRM_WAIT_MS = 10_000;

/**
 * Drains each active connection's pending prices, one pusher per connection across replicas, so two writes of
 * one listing model never race each other to Ideris. An operator's confirmation takes the same lease.
 */
@Injectable()
export class PricePusher extends ConnectionPushLoop {
  constructor(dataSource: DataSource, directory: ConnectionDirectory, private readonly prices: PricesRepository, private readonly pushes: PricePushService) {
    // Renewed before every SKU; covers a push waiting for its budget slot plus the client's 30 s timeout.
    super(dataSource, directory, { name: 'price', leaseTable: 'price_pusher_lease', leaseSeconds: 60, tickMs: 500, journalKeepDays: 30, switchEnv: 'CATALOG_PRICE_PUSH', flow: 'prices' });
  }

  protected dueConnections(): Promise<string[]> {
    return this.prices.dueConnections();
  }

  protected pruneJournal(keepDays: number): Promise<void> {
    return this.prices.pruneJournal(keepDays);
  }

  protected pushDue(connectionId: string, keepLease: () => Promise<boolean>): Promise<number> {
    return this.pushes.pushDue(connectionId, keepLease);
  }

  /** Runs `work` holding the connection's lease (waiting a little for a running round); undefined when it stayed busy. */
  async withLease<T>(connectionId: string, work: () => Promise<T>): Promise<{ value: T } | undefined> {
    await this.ensureLeaseRow(connectionId);
    const deadline = Date.now() + CONFIRM_WAIT_MS;
    for (;;) {
      const done = await this.leases.hold(connectionId, work);
      if (done.held) return { value: done.value };
      if (Date.now() > deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
