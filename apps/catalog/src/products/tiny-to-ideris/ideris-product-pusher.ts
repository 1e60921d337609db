import { Injectable } from '@nestjs/common';
import { ConnectionDirectory } from '@hub/connections';
import { DataSource } from 'typeorm';
import { ConnectionPushLoop } from '../../common/connection-push-loop';
import { ProductSyncRepository } from '../product-sync.repository';
import { IderisProductPushService } from './ideris-product-push.service';

/** Drains each active connection's product pushes to Ideris, one pusher per connection across replicas. */
@Injectable()
export class IderisProductPusher extends ConnectionPushLoop {
  constructor(dataSource: DataSource, directory: ConnectionDirectory, private readonly products: ProductSyncRepository, private readonly pushes: IderisProductPushService) {
    // Renewed before every product, so a crashed pusher is replaced quickly; each product is claimed on its own too.
    super(dataSource, directory, { name: 'product', leaseTable: 'product_push_lease', leaseSeconds: 30, tickMs: 1000, journalKeepDays: 30, switchEnv: 'CATALOG_PRODUCT_PUSH', flow: 'products' });
  }

  protected dueConnections(): Promise<string[]> {
    return this.products.dueConnections('to-ideris');
  }

  protected pruneJournal(keepDays: number): Promise<void> {
    return this.products.pruneJournal(keepDays);
  }

  protected pushDue(connectionId: string, keepLease: () => Promise<boolean>): Promise<number> {
    return this.pushes.pushDue(connectionId, keepLease);
  }
}
