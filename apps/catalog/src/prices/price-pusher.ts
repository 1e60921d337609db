import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConnectionDirectory } from '@hub/connections';
import { runWithContext } from '@hub/platform';
import { DataSource } from 'typeorm';
import { PricePushService } from './price-push.service';
import { PricesRepository } from './prices.repository';

/** Renewed before every SKU; covers a push waiting for its budget slot plus the client's 30 s timeout. */
const LEASE_SECONDS = 60;
const TICK_MS = 500;
const JOURNAL_KEEP_DAYS = 30;
const PRUNE_EVERY_MS = 60 * 60_000;
/** How long an operator's confirmation waits for a running push round of the connection to finish. */
const CONFIRM_WAIT_MS = 10_000;

/**
 * Drains the pending prices of each active connection, one pusher per connection across all replicas (a lease
 * row that lapses if its holder dies), so two writes of one listing model never race each other to Ideris. An
 * operator's confirmation takes the same lease, so it never races a push either.
 */
@Injectable()
export class PricePusher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PricePusher.name);
  private readonly holder = `${hostname()}:${process.pid}:prices:${randomBytes(3).toString('hex')}`;
  private readonly running = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private lastPruneAt = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: ConnectionDirectory,
    private readonly prices: PricesRepository,
    private readonly pushes: PricePushService,
  ) {}

  onApplicationBootstrap(): void {
    if (process.env['CATALOG_PRICE_PUSH'] === 'off') return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.running.values()]);
  }

  wake(connectionId: string): void {
    if (!this.stopped && this.timer) this.drain(connectionId);
  }

  async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      const [due, active] = await Promise.all([this.prices.dueConnections(), this.directory.listActive()]);
      const activeIds = new Set(active.map((c) => c.id));
      for (const connectionId of due) if (activeIds.has(connectionId)) this.drain(connectionId);
      if (Date.now() - this.lastPruneAt > PRUNE_EVERY_MS) {
        this.lastPruneAt = Date.now();
        await this.prices.pruneJournal(JOURNAL_KEEP_DAYS);
      }
    } catch (error) {
      this.logger.warn({ msg: 'price tick failed', err: (error as Error).message });
    }
  }

  /** Runs `work` holding the connection's lease (waiting a little for a running round); undefined when it stayed busy. */
  async withLease<T>(connectionId: string, work: () => Promise<T>): Promise<{ value: T } | undefined> {
    await this.ensureLeaseRow(connectionId);
    // A holder of its own, so this replica's push round (or another confirmation) cannot renew over it.
    const holder = `${this.holder}:${randomBytes(3).toString('hex')}`;
    const deadline = Date.now() + CONFIRM_WAIT_MS;
    while (!(await this.renew(connectionId, holder))) {
      if (Date.now() > deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    try {
      return { value: await work() };
    } finally {
      await this.release(connectionId, holder);
    }
  }

  private drain(connectionId: string): void {
    if (this.running.has(connectionId)) return;
    const run = runWithContext({ connectionId }, () => this.drainClaimed(connectionId))
      .catch((error: Error) => this.logger.warn({ msg: 'price push round failed', connectionId, err: error.message }))
      .finally(() => this.running.delete(connectionId));
    this.running.set(connectionId, run);
  }

  private async drainClaimed(connectionId: string): Promise<void> {
    await this.ensureLeaseRow(connectionId);
    if (!(await this.renew(connectionId))) return;
    try {
      while (!this.stopped && (await this.renew(connectionId))) {
        if ((await this.pushes.pushDue(connectionId, () => this.renew(connectionId))) === 0) break;
      }
    } finally {
      await this.release(connectionId);
    }
  }

  private async ensureLeaseRow(connectionId: string): Promise<void> {
    await this.dataSource.query(`INSERT INTO price_pusher_lease (connection_id) VALUES ($1) ON CONFLICT DO NOTHING`, [connectionId]);
  }

  private async release(connectionId: string, holder = this.holder): Promise<void> {
    await this.dataSource.query(`UPDATE price_pusher_lease SET lease_holder = NULL, lease_until = NULL WHERE connection_id = $1 AND lease_holder = $2`, [connectionId, holder]);
  }

  /** Claims or extends the lease for `holder`; false when another holder has it. */
  private async renew(connectionId: string, holder = this.holder): Promise<boolean> {
    if (this.stopped) return false;
    const [rows] = (await this.dataSource.query(
      `UPDATE price_pusher_lease SET lease_holder = $2, lease_until = now() + make_interval(secs => $3)
        WHERE connection_id = $1 AND (lease_until IS NULL OR lease_until < now() OR lease_holder = $2)
        RETURNING 1`,
      [connectionId, holder, LEASE_SECONDS],
    )) as [unknown[], number];
    return rows.length > 0;
  }
}
