import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { keepAlive, runWithContext, switchedOn } from '@hub/platform';
import type { ConnectionFlow } from '@hub/contracts';
import { Ticker, WorkClaims } from '@hub/work';
import type { DataSource } from 'typeorm';
import type { ConnectionDirectory, ConnectionRecord } from './connection-directory';
import { flowEnabled, recordFlowSkip } from './flow-switch';

export interface PollLoopOptions {
  /** For log lines: `order`, `status`. */
  name: string;
  /**
   * The state table: one row per connection with `connection_id`, `next_poll_at`, `lease_holder`,
   * `lease_until`; the poll itself moves `next_poll_at` on and clears the lease.
   */
  stateTable: string;
  /** Columns of the state row handed to `poll`. */
  claimColumns: string;
  /** A claim lapses after this, so another replica takes over a connection whose poller died. */
  leaseMs: number;
  /** Environment switch that turns the loop off in a replica (`off`). */
  switchEnv: string;
  tickMs?: number;
  /**
   * A poll may outlast the lease (its calls wait in the shared API budget at a peak): its holder renews the lease
   * every third of `leaseMs` while it runs, so no other replica polls the same connection meanwhile. Default true;
   * false only leaves the lease to lapse mid-poll (the old behaviour, kept for the test that shows the takeover).
   */
  renewWhilePolling?: boolean;
  /** The flow this loop serves: a connection with that flow switched off is not polled until it is on again. */
  flow?: ConnectionFlow;
}

/** The lease a poll runs under. */
export interface PollLease {
  /** The lease's holder token: the poll's final state update is fenced on it (`AND lease_holder = $holder`). */
  readonly holder: string;
  /** False once a renewal found the lease no longer held (taken by another holder after it lapsed, or released). */
  readonly held: boolean;
}

/**
 * Polls an external API for every active connection, one poller per connection across all replicas: each
 * tick claims the connections that are due (a lease in the service's state table that lapses if its holder
 * dies) and runs `poll` for each, in the connection's log context.
 */
export abstract class ConnectionPollLoop<Claim> implements OnApplicationBootstrap, OnModuleDestroy {
  protected readonly logger: Logger;
  /** The connection's poll lease, one holder per poll (a poll that throws before releasing it waits for it to lapse). */
  private readonly leases: WorkClaims<Claim>;
  private readonly running = new Set<string>();
  /** Connections seen with the flow off, so the skip is logged once per switch-off, not every tick. */
  private readonly switchedOff = new Set<string>();
  /** Ticks overlap: `running` keeps each connection to one poll, and a slow one does not hold the others back. */
  private readonly ticker: Ticker;
  private stopped = false;

  protected constructor(
    protected readonly dataSource: DataSource,
    private readonly directory: ConnectionDirectory,
    private readonly options: PollLoopOptions,
  ) {
    this.logger = new Logger(new.target.name);
    this.ticker = new Ticker(() => this.tick(), options.tickMs ?? 500, { overlap: true });
    this.leases = new WorkClaims(dataSource, { table: options.stateTable, key: 'connection_id', holder: 'lease_holder', until: 'lease_until' }, options.leaseMs, options.claimColumns);
  }

  /** Creates the connection's state row if missing (with the service's own defaults). */
  protected abstract ensureStateRow(connectionId: string): Promise<void>;
  /**
   * One poll of a claimed connection; it must move `next_poll_at` on and release the lease, in an update fenced on
   * `lease.holder` (a poll whose lease was taken over must not overwrite its successor's state).
   */
  protected abstract poll(connectionId: string, claim: Claim, lease: PollLease): Promise<void>;

  onApplicationBootstrap(): void {
    if (switchedOn(this.options.switchEnv)) this.ticker.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.ticker.stop();
  }

  /**
   * One scheduling pass: polls every due connection this replica can claim. One query finds them (due, unleased, or
   * without a state row yet), so connections waiting for their next poll cost no query of their own.
   */
  async tick(): Promise<void> {
    if (this.stopped) return;
    const connections = await this.directory.listActiveDue(this.options.stateTable).catch(() => []);
    await Promise.all(connections.filter((c) => !this.running.has(c.id) && this.flowOn(c)).map((c) => this.pollIfDue(c.id, c.hasState)));
  }

  private flowOn(connection: ConnectionRecord): boolean {
    const flow = this.options.flow;
    if (!flow || flowEnabled(connection, flow)) {
      this.switchedOff.delete(connection.id);
      return true;
    }
    if (!this.switchedOff.has(connection.id)) {
      this.switchedOff.add(connection.id);
      recordFlowSkip(this.logger, { flow, connectionId: connection.id, what: `${this.options.name} poll` });
    }
    return false;
  }

  /** `hasState`: the caller just saw the connection's state row, so it need not be created. */
  async pollIfDue(connectionId: string, hasState = false): Promise<boolean> {
    this.running.add(connectionId);
    try {
      if (!hasState) await this.ensureStateRow(connectionId);
      const lease = await this.leases.claim(connectionId, { where: 'next_poll_at <= now()' });
      if (!lease) return false;
      const state = { holder: lease.holder, held: true };
      const renew = async () => {
        if (!state.held) return;
        if (await lease.renew()) return;
        // Not ours any more: released by the poll's own final update (a renewal racing it), or taken by another holder.
        const [row] = (await this.dataSource.query(`SELECT lease_holder FROM ${this.options.stateTable} WHERE connection_id = $1`, [connectionId])) as { lease_holder: string | null }[];
        state.held = false;
        if (row?.lease_holder != null) {
          this.logger.warn({ msg: `${this.options.name} poll lost its lease while running (renewed too late); its results will not be recorded`, connectionId });
        }
      };
      const stopRenewing = this.options.renewWhilePolling === false ? () => undefined : keepAlive(renew, this.options.leaseMs);
      try {
        await runWithContext({ connectionId }, () => this.poll(connectionId, lease.row, state));
      } finally {
        stopRenewing();
      }
      return true;
    } catch (error) {
      this.logger.warn({ msg: `${this.options.name} poll failed`, connectionId, err: (error as Error).message });
      return false;
    } finally {
      this.running.delete(connectionId);
    }
  }
}
