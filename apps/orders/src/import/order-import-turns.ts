import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { ConnectionDirectory } from '@hub/connections';
import { counter, runWithContext } from '@hub/platform';
import { BusyError, describeError, Ticker } from '@hub/work';
import { ImportTurns, TURNS, turnsForLimits } from './import-turns';
import { ORDER_IMPORT_FAILURES } from './order-import.failures';
import { OrderImportService } from './order-import.service';
import { OrderSyncRepository, type DeferredOrder } from './order-sync.repository';

const deferredJobs = counter('hub_orders_import_deferred_total', 'Import jobs left waiting for a turn of their connection', []);
const turnImports = counter('hub_orders_import_turns_total', 'Waiting orders a turn imported, by outcome', ['outcome']);

/** How often a replica looks for connections with orders due (another replica's, a crashed turn's, a retry's). */
const TURN_SWEEP_MS = 3_000;
/** A taken order is due again this long after, if the turn that took it died (its claim lapses sooner). */
const TAKE_HOLD_MS = 30_000;
/**
 * Imports one replica runs at once, jobs and waiting orders together, past which no waiting order starts: the job
 * consumer's 128 slots and 64 more. Each import in flight holds a claim renewed every few seconds and its budget
 * waiter; with up to 128 + 128, bench:scale's orders replicas peaked at 319–352 MB (whether this was the cause is not isolated).
 */
const IMPORTS_IN_FLIGHT_WITH_WAITING = 192;
/** Connections one sweep starts turns for. */
const SWEEP_CONNECTIONS = 500;

/**
 * Per-connection turns of the imports (ADR 0031): a job runs if its connection has a free turn in this replica;
 * otherwise its order waits in `order_sync` (`deferred_at`) and the job is acknowledged, so the consumer's slots go
 * to the connections with none in flight instead of piling up behind one connection's budget. A waiting order is
 * taken when a turn of its connection frees in any replica (each finished import looks for the next; a sweep every
 * few seconds finds connections with orders due). Failures of a waiting order follow the import job's own policy
 * (its attempts are the order's, counted by the claim): again after the schedule's delay, or given up for an
 * operator. A connection that is not active keeps its orders waiting until it is active again.
 */
@Injectable()
export class OrderImportTurns implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OrderImportTurns.name);
  private readonly turns = new ImportTurns();
  private readonly running = new Set<Promise<void>>();
  /** Connections a pump loop runs for, and those woken while it ran (it looks once more before it ends). */
  private readonly pumping = new Set<string>();
  private readonly wokenWhilePumping = new Set<string>();
  /**
   * Connections that may have orders waiting (this replica left one waiting, or the sweep saw some): only theirs
   * look for the next one when an import ends, so a connection with none costs no query per import.
   */
  private readonly mayHaveWaiting = new Set<string>();
  private readonly sweeper = new Ticker(() => this.sweep(), TURN_SWEEP_MS);
  private stopping = false;

  constructor(
    private readonly importer: OrderImportService,
    private readonly orders: OrderSyncRepository,
    private readonly directory: ConnectionDirectory,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeper.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.sweeper.stop();
    await Promise.allSettled([...this.running]);
  }

  /**
   * The job of one order: `run` (the import) in a turn of its connection, or the order left waiting (`deferred`)
   * when every turn is taken. A job the waiting queue cannot hold (its order settled, parked or unknown) runs anyway.
   */
  async job(connectionId: string, iderisOrderId: number, trigger: string, run: () => Promise<unknown>): Promise<'ran' | 'deferred'> {
    if (!this.turns.take(connectionId, await this.turnsOf(connectionId))) {
      if (await this.orders.defer(connectionId, iderisOrderId, trigger)) {
        deferredJobs.inc();
        this.mayHaveWaiting.add(connectionId);
        this.wake(connectionId);
        return 'deferred';
      }
      this.turns.force(connectionId);
    }
    try {
      await run();
      return 'ran';
    } finally {
      this.turns.give(connectionId);
      if (this.mayHaveWaiting.has(connectionId)) this.wake(connectionId);
    }
  }

  /** Starts the connection's waiting orders in its free turns here. */
  wake(connectionId: string): void {
    if (this.stopping) return;
    if (this.pumping.has(connectionId)) {
      this.wokenWhilePumping.add(connectionId);
      return;
    }
    this.pumping.add(connectionId);
    void this.pump(connectionId)
      .catch((error: unknown) => this.logger.warn({ msg: 'could not take waiting orders; the sweep tries again', connectionId, err: describeError(error).message }))
      .finally(() => this.pumping.delete(connectionId));
  }

  private async pump(connectionId: string): Promise<void> {
    do {
      this.wokenWhilePumping.delete(connectionId);
      const connection = await this.directory.get(connectionId);
      // Not active (or gone): its orders keep waiting; only active connections sync.
      if (!connection || connection.deleted || connection.situation !== 'active') return;
      const turns = turnsForLimits(connection.settings);
      while (!this.stopping && this.turns.total < IMPORTS_IN_FLIGHT_WITH_WAITING && this.turns.take(connectionId, turns)) {
        let order: DeferredOrder | undefined;
        try {
          order = await this.orders.takeDeferred(connectionId, TAKE_HOLD_MS);
        } finally {
          if (!order) this.turns.give(connectionId);
        }
        if (!order) {
          this.mayHaveWaiting.delete(connectionId);
          break;
        }
        this.start(connectionId, order);
      }
    } while (this.wokenWhilePumping.has(connectionId) && !this.stopping);
  }

  private start(connectionId: string, order: DeferredOrder): void {
    const task: Promise<void> = runWithContext({ connectionId }, () => this.importWaiting(connectionId, order)).finally(() => {
      this.turns.give(connectionId);
      this.running.delete(task);
      this.wake(connectionId);
    });
    this.running.add(task);
  }

  private async importWaiting(connectionId: string, { iderisOrderId, trigger }: DeferredOrder): Promise<void> {
    try {
      await runInLane('realtime', () => this.importer.import(connectionId, iderisOrderId, trigger), { since: 'now' });
      turnImports.inc({ outcome: 'done' });
    } catch (error) {
      // Another import holds it (a job's redelivery, a reprocess): it was moved on by the take and comes back if needed.
      if (error instanceof BusyError) return void turnImports.inc({ outcome: 'busy' });
      try {
        const row = await this.orders.find(connectionId, iderisOrderId);
        const verdict = ORDER_IMPORT_FAILURES.classify(error, row?.attempts ?? 1);
        await this.importer.recordFailedAttempt(connectionId, iderisOrderId, row?.attempts ?? 1, verdict);
        const again = verdict.action === 'retry' || verdict.action === 'wait';
        await this.orders.redefer(connectionId, iderisOrderId, again ? verdict.delayMs : null);
        turnImports.inc({ outcome: again ? verdict.action : 'gave_up' });
        this.logger.warn({ msg: again ? `waiting order's import failed; will ${verdict.action}` : "waiting order's import gave up", iderisOrderId, attempt: row?.attempts, delayMs: verdict.delayMs, errorKind: verdict.kind, err: verdict.reason });
      } catch (recordError) {
        // The database is away: the order stays due after the take's hold, and is tried again then.
        this.logger.warn({ msg: "could not record a waiting order's failure; it is due again after the hold", iderisOrderId, err: describeError(recordError).message });
      }
    }
  }

  /** Connections with orders due, from every replica's deferrals: their free turns here take them. */
  private async sweep(): Promise<void> {
    if (this.stopping || this.turns.total >= IMPORTS_IN_FLIGHT_WITH_WAITING) return;
    try {
      for (const connectionId of await this.orders.connectionsWithDeferredDue(SWEEP_CONNECTIONS)) {
        this.mayHaveWaiting.add(connectionId);
        this.wake(connectionId);
      }
    } catch (error) {
      this.logger.warn({ msg: 'could not look for waiting orders; next sweep tries again', err: describeError(error).message });
    }
  }

  private async turnsOf(connectionId: string): Promise<number> {
    const connection = await this.directory.get(connectionId);
    return connection ? turnsForLimits(connection.settings) : TURNS.min;
  }
}
