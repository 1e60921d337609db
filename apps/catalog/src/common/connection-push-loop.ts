import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConnectionFlow } from '@hub/contracts';
import { flowEnabled, type ConnectionDirectory } from '@hub/connections';
import { runWithContext, switchedOn } from '@hub/platform';
import { Ticker, WorkClaims } from '@hub/work';
import type { DataSource } from 'typeorm';

export interface PushLoopOptions {
  /** `stock`, `price`, `product`, `product-import`: in log lines. */
  name: string;
  /** The table holding one lease row per connection (`connection_id`, `lease_holder`, `lease_until`). */
  leaseTable: 'stock_pusher_lease' | 'price_pusher_lease' | 'product_push_lease' | 'product_import_lease';
  /** Renewed before every push; a holder that dies delays its connection's pushes this long. */
  leaseSeconds: number;
  /** How often every replica looks for connections with due work (a local notification wakes it at once). */
  tickMs: number;
  journalKeepDays: number;
  /** Environment switch that turns the loop off in a replica (`off`). */
  switchEnv: string;
  /** The flow this loop serves: its work for a connection with that flow off waits, and drains once it is on. */
  flow: ConnectionFlow;
}

const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * Drains the pending work of each active connection, one pusher per connection across all replicas (a lease
 * row that lapses if its holder dies), so two pushes for one SKU never race each other to Ideris.
 */
export abstract class ConnectionPushLoop implements OnApplicationBootstrap, OnModuleDestroy {
  protected readonly logger: Logger;
  /** The connection's lease, held by one drain (or one confirmation) at a time, each with its own holder. */
  protected readonly leases: WorkClaims;
  protected stopped = false;
  private readonly running = new Map<string, Promise<void>>();
  private readonly ticker: Ticker;
  private lastPruneAt = 0;

  protected constructor(
    protected readonly dataSource: DataSource,
    private readonly directory: ConnectionDirectory,
    private readonly options: PushLoopOptions,
  ) {
    this.logger = new Logger(new.target.name);
    this.ticker = new Ticker(() => this.tick(), options.tickMs);
    this.leases = new WorkClaims(dataSource, { table: options.leaseTable, key: 'connection_id', holder: 'lease_holder', until: 'lease_until' }, options.leaseSeconds * 1000, '1');
  }

  /** Connections with due work. */
  protected abstract dueConnections(): Promise<string[]>;
  protected abstract pruneJournal(keepDays: number): Promise<void>;
  /** Pushes up to one batch; returns how many were taken (0: nothing due). */
  protected abstract pushDue(connectionId: string, keepLease: () => Promise<boolean>): Promise<number>;

  onApplicationBootstrap(): void {
    if (switchedOn(this.options.switchEnv)) this.ticker.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.ticker.stop();
    await Promise.allSettled([...this.running.values()]);
  }

  /** Work was just recorded here: start pushing without waiting for the next tick. */
  wake(connectionId: string): void {
    if (!this.stopped && this.ticker.started) this.drain(connectionId, true);
  }

  async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      // The connections are read only when some have due work: an idle tick is one query, whatever their number.
      const due = (await this.dueConnections()).filter((connectionId) => !this.running.has(connectionId));
      if (due.length > 0) {
        const activeIds = new Set((await this.directory.listActive()).filter((c) => flowEnabled(c, this.options.flow)).map((c) => c.id));
        for (const connectionId of due) if (activeIds.has(connectionId)) this.drain(connectionId, false);
      }
      if (Date.now() - this.lastPruneAt > PRUNE_EVERY_MS) {
        this.lastPruneAt = Date.now();
        await this.pruneJournal(this.options.journalKeepDays);
      }
    } catch (error) {
      this.logger.warn({ msg: `${this.options.name} tick failed`, err: (error as Error).message });
    }
  }

  /** `checkFlow`: a wake-up has not looked at the connection's switches yet (a tick just did). */
  private drain(connectionId: string, checkFlow: boolean): void {
    if (this.running.has(connectionId)) return;
    const run = runWithContext({ connectionId }, () => this.drainClaimed(connectionId, checkFlow))
      .catch((error: Error) => this.logger.warn({ msg: `${this.options.name} push round failed`, connectionId, err: error.message }))
      .finally(() => this.running.delete(connectionId));
    this.running.set(connectionId, run);
  }

  private async drainClaimed(connectionId: string, checkFlow: boolean): Promise<void> {
    if (checkFlow && !flowEnabled(await this.directory.get(connectionId), this.options.flow)) return;
    await this.ensureLeaseRow(connectionId);
    // Renewed in the background too: a push can wait for its budget slot longer than the lease (a binding Ideris
    // budget), and a lapsed lease would let another replica start a second pusher for the connection.
    // Before each push the lease is renewed only when its last renewal was asked a third of the lease ago or more:
    // a renewal asked at t holds it until t + lease at least, so a push starting before t + lease/3 still has two
    // thirds of the lease ahead, as one renewed that very moment would have had after a slow round trip; a query
    // per push is saved.
    const renewEveryMs = (this.options.leaseSeconds * 1000) / 3;
    let renewalAskedAt = performance.now();
    await this.leases.hold(connectionId, async (lease) => {
      const keepLease = async () => {
        if (this.stopped) return false;
        if (performance.now() - renewalAskedAt < renewEveryMs) return true;
        const askedAt = performance.now();
        if (!(await lease.renew())) return false;
        renewalAskedAt = askedAt;
        return true;
      };
      while (await keepLease()) if ((await this.pushDue(connectionId, keepLease)) === 0) break;
    });
  }

  protected async ensureLeaseRow(connectionId: string): Promise<void> {
    await this.dataSource.query(`INSERT INTO ${this.options.leaseTable} (connection_id) VALUES ($1) ON CONFLICT DO NOTHING`, [connectionId]);
  }
}
