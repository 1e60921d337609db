import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConnectionFlow } from '@hub/contracts';
import { ConnectionDirectory, flowEnabled } from '@hub/connections';
import { describeError, Ticker } from '@hub/work';
import { runWithContext } from '@hub/platform';
import { FISCAL_SHIPPING_OPTIONS, retryDelay, type FiscalShippingOptions } from '../fiscal-shipping.options';
import { InvoiceSyncRepository } from '../invoices/invoice-sync.repository';
import { InvoiceSyncService } from '../invoices/invoice-sync.service';
import { TrackingSyncRepository } from '../tracking/tracking-sync.repository';
import { TrackingSyncService } from '../tracking/tracking-sync.service';

type FlowSwitches = (connectionId: string, flow: ConnectionFlow) => Promise<boolean>;
type RecheckedRow = { id: string; connection_id: string; failures: number };
type RecheckedRows<Row> = Pick<InvoiceSyncRepository, 'deferIfDue' | 'postponeIfDue'> & { due(limit: number): Promise<Row[]> };

/** Rows looked at per tick and kind; the API budget, not this, bounds the pace. */
const BATCH = 50;
/**
 * A row of a connection whose flow is off is looked at again this much later (it is sent once the flow is on); a flow
 * switched off is no failure, so the row's failure schedule is left as it was.
 */
const FLOW_OFF_POSTPONE_MS = 60_000;

/**
 * Looks again at what waits: tracking whose prerequisites did not hold (growing delays), invoices not
 * authorised yet or whose order's binding arrived late, markers not left yet, and what waited for an operator to fix
 * the connection's notification URL once the connection changed. Every replica runs it; the
 * row claims keep two replicas from sending the same thing.
 */
@Injectable()
export class FiscalRecheckScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FiscalRecheckScheduler.name);
  private readonly ticker: Ticker;
  private stopping = false;

  constructor(
    private readonly invoices: InvoiceSyncRepository,
    private readonly invoiceService: InvoiceSyncService,
    private readonly tracking: TrackingSyncRepository,
    private readonly trackingService: TrackingSyncService,
    @Inject(FISCAL_SHIPPING_OPTIONS) private readonly options: FiscalShippingOptions,
    private readonly directory: ConnectionDirectory,
  ) {
    this.ticker = new Ticker(() => this.tick(), options.schedulerTickMs);
  }

  onApplicationBootstrap(): void {
    this.ticker.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.ticker.stop();
  }

  /** One pass over what is due; returns how many rows it looked at. */
  async tick(): Promise<number> {
    const flowOn = this.flowSwitches();
    try {
      const invoices = await this.recheck('invoices', this.invoices, flowOn, (row) => this.invoiceService.process(row, 'recheck'), (row) => ({ tinyInvoiceId: row.tiny_invoice_id }));
      return invoices + (await this.recheck('tracking', this.tracking, flowOn, (row) => this.trackingService.process(row, 'recheck'), (row) => ({ tinyOrderId: row.tiny_order_id })));
    } catch (error) {
      this.logger.warn({ msg: 're-check pass failed', err: describeError(error).message });
      return 0;
    }
  }

  /**
   * The due rows of one flow, each processed in its connection's context. A row whose flow is off is deferred; one whose
   * attempt threw before it could record itself is looked at again on the retry schedule.
   */
  private async recheck<Row extends RecheckedRow>(
    flow: 'invoices' | 'tracking', rows: RecheckedRows<Row>, flowOn: FlowSwitches, process: (row: Row) => Promise<unknown>, ids: (row: Row) => object,
  ): Promise<number> {
    let seen = 0;
    for (const row of await rows.due(BATCH)) {
      if (this.stopping) break;
      seen += 1;
      if (!(await flowOn(row.connection_id, flow))) {
        await rows.deferIfDue(row.id, new Date(Date.now() + FLOW_OFF_POSTPONE_MS));
        continue;
      }
      await runWithContext({ connectionId: row.connection_id }, () =>
        process(row).catch(async (error: unknown) => {
          this.logger.warn({ msg: `${flow} re-check failed`, connectionId: row.connection_id, ...ids(row), err: describeError(error).message });
          await rows.postponeIfDue(row.id, new Date(Date.now() + retryDelay(this.options, row.failures + 1)));
        }),
      );
    }
    return seen;
  }

  /** Whether a flow runs for a connection, read once per connection and pass. */
  private flowSwitches(): FlowSwitches {
    const connections = new Map<string, ReturnType<ConnectionDirectory['get']>>();
    return async (connectionId, flow) => {
      if (!connections.has(connectionId)) connections.set(connectionId, this.directory.get(connectionId));
      return flowEnabled(await connections.get(connectionId), flow);
    };
  }
}
