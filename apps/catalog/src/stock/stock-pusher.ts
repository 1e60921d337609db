import { Injectable } from '@nestjs/common';
import { ConnectionDirectory } from '@hub/connections';
import { DataSource } from 'typeorm';
import { ConnectionPushLoop } from '../common/connection-push-loop';
import { StockPushService } from './stock-push.service';
import { StockRepository } from './stock.repository';

/** Drains each active connection's pending stock, one pusher per connection across replicas. */
@Injectable()
export class StockPusher extends ConnectionPushLoop {
  constructor(dataSource: DataSource, directory: ConnectionDirectory, private readonly stock: StockRepository, private readonly pushes: StockPushService) {
    // A short lease, renewed before every push and every 3 s, so a crashed pusher's connection is taken over quickly.
    super(dataSource, directory, { name: 'stock', leaseTable: 'stock_pusher_lease', leaseSeconds: 9, tickMs: 250, journalKeepDays: 7, switchEnv: 'CATALOG_STOCK_PUSH', flow: 'stock' });
  }

  protected dueConnections(): Promise<string[]> {
    return this.stock.dueConnections();
  }

  protected pruneJournal(keepDays: number): Promise<void> {
    return this.stock.pruneJournal(keepDays);
  }

  protected pushDue(connectionId: string, keepLease: () => Promise<boolean>): Promise<number> {
    return this.pushes.pushDue(connectionId, keepLease);
  }
}
