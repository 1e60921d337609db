import { Injectable } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { ConnectionDirectory } from '@hub/connections';
import { IderisCatalogApi } from '@hub/ideris';
import { ConnectionClients } from '@hub/integrations';
import { TinyProductsApi } from '@hub/tiny';
import { DataSource } from 'typeorm';
import { ConnectionPushLoop } from '../../common/connection-push-loop';
import { ProductSyncRepository } from '../product-sync.repository';
import { IderisProductDiscoveryService } from './ideris-product-discovery.service';
import { ProductImportsRepository } from './product-imports.repository';
import { TinyProductWriteService } from './tiny-product-write.service';

/**
 * Ideris → Tiny, one writer per connection across replicas: each round walks a step of the running import (if
 * any) and writes one batch to Tiny, both in the bulk lane so a catalogue sync never delays stock or orders.
 */
@Injectable()
export class TinyProductWriter extends ConnectionPushLoop {
  constructor(
    dataSource: DataSource,
    directory: ConnectionDirectory,
    private readonly clients: ConnectionClients,
    private readonly products: ProductSyncRepository,
    private readonly imports: ProductImportsRepository,
    private readonly discovery: IderisProductDiscoveryService,
    private readonly writes: TinyProductWriteService,
  ) {
    // A batch may wait a minute for one of Tiny's 5 batch calls; the lease covers that, the call and the reads after it.
    super(dataSource, directory, { name: 'product-import', leaseTable: 'product_import_lease', leaseSeconds: 180, tickMs: 1000, journalKeepDays: 30, switchEnv: 'CATALOG_PRODUCT_IMPORT', flow: 'products' });
  }

  protected async dueConnections(): Promise<string[]> {
    const [writes, walks] = await Promise.all([this.products.dueConnections('to-tiny'), this.imports.dueConnections()]);
    return [...new Set([...writes, ...walks])];
  }

  protected async pruneJournal(): Promise<void> {
    // The products journal is pruned by the Ideris pusher.
  }

  protected async pushDue(connectionId: string, keepLease: () => Promise<boolean>): Promise<number> {
    const { tiny, ideris } = await this.clients.forActive(connectionId);
    return runInLane('bulk', async () => {
      const walked = await this.discovery.step(connectionId, new IderisCatalogApi(ideris));
      const discovering = await this.imports.isDiscovering(connectionId);
      const written = (await keepLease()) ? await this.writes.step(connectionId, { products: new TinyProductsApi(tiny), discovering }, keepLease) : 0;
      await this.imports.completeFinished(connectionId);
      return (walked ? 1 : 0) + written;
    });
  }
}
