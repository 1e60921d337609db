import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConnectionDirectory, flowEnabled } from '@hub/connections';
import { setting, switchedOn } from '@hub/platform';
import { Ticker } from '@hub/work';
import { ProductImportsRepository } from './product-imports.repository';
import { TinyProductWriter } from './tiny-product-writer';

const TICK_MS = 60_000;

/**
 * Starts the periodic import from Ideris of every active connection (`CATALOG_PRODUCT_IMPORT_EVERY_HOURS`,
 * default 24; `0` or `off` turns it off; CatalogSettings). Only changed products are written to Tiny, so a run over an unchanged
 * catalogue costs Ideris reads and no Tiny batch call.
 */
@Injectable()
export class ProductImportScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ProductImportScheduler.name);
  private readonly ticker = new Ticker(() => this.runDue(), TICK_MS);

  constructor(private readonly directory: ConnectionDirectory, private readonly imports: ProductImportsRepository, private readonly writer: TinyProductWriter) {}

  static everyMs(): number | undefined {
    const raw = setting<string>('CATALOG_PRODUCT_IMPORT_EVERY_HOURS');
    if (raw === 'off') return undefined;
    const hours = Number(raw);
    return hours > 0 ? hours * 3_600_000 : undefined;
  }

  onApplicationBootstrap(): void {
    if (ProductImportScheduler.everyMs() === undefined || !switchedOn('CATALOG_PRODUCT_IMPORT')) return;
    this.ticker.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.ticker.stop();
  }

  /** Starts the imports that are due; returns the connections it started one for. */
  async runDue(): Promise<string[]> {
    const everyMs = ProductImportScheduler.everyMs();
    if (everyMs === undefined) return [];
    const started: string[] = [];
    try {
      for (const connection of await this.directory.listActive()) {
        if (!flowEnabled(connection, 'products')) continue;
        if (!(await this.imports.claimScheduled(connection.id, everyMs))) continue;
        const result = await this.imports.start(connection.id, 'schedule', null);
        if (result.started) {
          started.push(connection.id);
          this.logger.log({ msg: 'periodic product import started', connectionId: connection.id, importId: result.row.id });
          this.writer.wake(connection.id);
        }
      }
    } catch (error) {
      this.logger.warn({ msg: 'product import schedule failed', err: (error as Error).message });
    }
    return started;
  }
}
