import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConnectionDirectory } from '@hub/connections';
import { runWithContext } from '@hub/platform';
import { DataSource } from 'typeorm';
import { StockPushService } from './stock-push.service';
import { StockRepository } from './stock.repository';

/**
 * Renewed before every push. Long enough to cover a push waiting for its budget slot plus the client's
 * 30 s timeout, so a slow push never overlaps the next holder's; a holder that dies delays pushes this long.
 */
/** Renewed before every push; short, so a crashed pusher's connection is taken over quickly. */
const LEASE_SECONDS = 15;
/** How often every replica looks for connections with due stock (a local notification wakes it at once). */
const TICK_MS = 250;
const JOURNAL_KEEP_DAYS = 7;
const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * Drains the pending stock of each active connection, one pusher per connection across all replicas (a lease
 * row that lapses if its holder dies), so two pushes of one SKU never race each other to Ideris.
 */
@Injectable()
export class StockPusher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StockPusher.name);
  private readonly holder = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly running = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private lastPruneAt = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: ConnectionDirectory,
    private readonly stock: StockRepository,
    private readonly pushes: StockPushService,
  ) {}

  onApplicationBootstrap(): void {
    if (process.env['CATALOG_STOCK_PUSH'] === 'off') return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.running.values()]);
  }

  /** A notification was just recorded here: start pushing without waiting for the next tick. */
  wake(connectionId: string): void {
    if (!this.stopped && this.timer) this.drain(connectionId);
  }

  async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      const [due, active] = await Promise.all([this.stock.dueConnections(), this.directory.listActive()]);
      const activeIds = new Set(active.map((c) => c.id));
      for (const connectionId of due) if (activeIds.has(connectionId)) this.drain(connectionId);
      if (Date.now() - this.lastPruneAt > PRUNE_EVERY_MS) {
        this.lastPruneAt = Date.now();
        await this.stock.pruneJournal(JOURNAL_KEEP_DAYS);
      }
    } catch (error) {
      this.logger.warn({ msg: 'stock tick failed', err: (error as Error).message });
    }
  }

  private drain(connectionId: string): void {
    if (this.running.has(connectionId)) return;
    const run = runWithContext({ connectionId }, () => this.drainClaimed(connectionId))
      .catch((error: Error) => this.logger.warn({ msg: 'stock push round failed', connectionId, err: error.message }))
      .finally(() => this.running.delete(connectionId));
    this.running.set(connectionId, run);
  }

  private async drainClaimed(connectionId: string): Promise<void> {
    await this.dataSource.query(`INSERT INTO stock_pusher_lease (connection_id) VALUES ($1) ON CONFLICT DO NOTHING`, [connectionId]);
    try {
      while (!this.stopped && (await this.renew(connectionId))) {
        if ((await this.pushes.pushDue(connectionId, () => this.renew(connectionId))) === 0) break;
      }
    } finally {
      await this.dataSource.query(`UPDATE stock_pusher_lease SET lease_holder = NULL, lease_until = NULL WHERE connection_id = $1 AND lease_holder = $2`, [connectionId, this.holder]);
    }
  }

  /** Claims or extends this replica's lease on the connection's pushes; false when another replica holds it. */
  private async renew(connectionId: string): Promise<boolean> {
    if (this.stopped) return false;
    const [rows] = (await this.dataSource.query(
      `UPDATE stock_pusher_lease SET lease_holder = $2, lease_until = now() + make_interval(secs => $3)
        WHERE connection_id = $1 AND (lease_until IS NULL OR lease_until < now() OR lease_holder = $2)
        RETURNING 1`,
      [connectionId, this.holder, LEASE_SECONDS],
    )) as [unknown[], number];
    return rows.length > 0;
  }
}
