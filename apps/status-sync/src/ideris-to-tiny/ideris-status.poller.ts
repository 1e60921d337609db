import { BusyError } from '@hub/work';
import { Injectable } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { ConnectionDirectory, ConnectionPollLoop, type PollLease } from '@hub/connections';
import { counter } from '@hub/platform';
import { DataSource } from 'typeorm';
import { ConnectionClients } from '@hub/integrations';
import { OrderStatusSyncService } from '../order-status/order-status-sync.service';
import { OrderStatusRepository } from '../order-status/order-status.repository';
import { finalIderisStatuses, watchedIderisStatuses } from '../status-map/status-map';
import { StatusMapService } from '../status-map/status-map.service';
import { longOpenReads, statusPollInterval, STATUS_POLL_DEFAULTS } from './status-poll-interval';

interface ClaimedPoll {
  problems: unknown[];
}

const polls = counter('hub_status_polls_total', 'Ideris status feed reads by outcome', ['outcome']);

/**
 * Ideris → Tiny. Ideris sends no webhooks, so its statuses are polled, one poller per connection across all
 * replicas (a lease that lapses if its holder dies). The feed is cheap: one `/order/search` filtered by the
 * statuses the map gives a Tiny meaning (cancelled, delivered, seller-mapped), over the approval window of
 * the orders imported in the last 7 days that can still change, read in the bulk lane; 50 orders per call
 * instead of one call per order. Orders open for longer are read one by one, a few per round within the
 * feed's budget share. What it finds is applied in the normal lane. Each round first finishes the writes a
 * dead writer left unconfirmed.
 */
@Injectable()
export class IderisStatusPoller extends ConnectionPollLoop<ClaimedPoll> {
  constructor(
    dataSource: DataSource,
    directory: ConnectionDirectory,
    private readonly clients: ConnectionClients,
    private readonly orders: OrderStatusRepository,
    private readonly maps: StatusMapService,
    private readonly sync: OrderStatusSyncService,
  ) {
    super(dataSource, directory, { name: 'status', stateTable: 'status_poll_state', claimColumns: 'problems', leaseMs: STATUS_POLL_DEFAULTS.leaseMs, switchEnv: 'STATUS_POLLING', flow: 'status' });
  }

  protected async ensureStateRow(connectionId: string): Promise<void> {
    await this.dataSource.query(`INSERT INTO status_poll_state (connection_id) VALUES ($1) ON CONFLICT DO NOTHING`, [connectionId]);
  }

  protected async poll(connectionId: string, claim: ClaimedPoll, lease: PollLease): Promise<void> {
    const problems = [...(claim.problems ?? [])];
    const problem = (kind: string, fields: object) => problems.push({ at: new Date().toISOString(), kind, ...fields });
    let calls = 0;
    let seen = 0;
    try {
      const { ideris, connection } = await this.clients.forActive(connectionId);
      const perMinute = connection.settings.iderisCallsPerMinute ?? 50;
      const resumed = await runInLane('normal', () => this.sync.resumeLapsedWrites(connectionId));
      for (const failed of resumed.problems) problem('resume-failed', failed);
      const { map } = await this.maps.get(connectionId);
      const statusIds = watchedIderisStatuses(map);
      const until = new Date();
      const windowStart = new Date(until.getTime() - STATUS_POLL_DEFAULTS.lookbackMs);
      const oldest = await this.orders.oldestOpenImport(connectionId, windowStart);
      if (oldest && statusIds.length > 0) {
        // Approval precedes import by up to the orders poller's first look-back (a day); a margin covers it.
        const from = new Date(Math.max(oldest.getTime() - STATUS_POLL_DEFAULTS.approvalMarginMs, windowStart.getTime()));
        const walk = await runInLane('bulk', () => ideris.walkOrders({ startDate: from, endDate: until, statusIds }));
        calls = Math.max(1, Math.ceil(walk.total / 50));
        for (const range of walk.unreadable) problem('unreadable-range', range);
        for (const order of walk.orders) {
          if (order.statusId === undefined) continue;
          seen++;
          await this.apply(connectionId, order.id, order.statusId, 'poll', problem);
        }
      }
      if (statusIds.length > 0) {
        // Orders imported before the window and still open: a few single reads per round, the least recently checked first.
        const longOpen = await this.orders.longOpenOrders(connectionId, windowStart, finalIderisStatuses(map), longOpenReads(calls, perMinute));
        for (const row of longOpen) {
          calls++;
          const order = await runInLane('bulk', () => ideris.getOrder(row.ideris_order_id)).catch((error: Error) => {
            problem('read-failed', { iderisOrderId: row.ideris_order_id, detail: error.message });
            return undefined;
          });
          await this.orders.markIderisChecked(row.id);
          if (order?.statusId === undefined || order.statusId === row.ideris_status_id) continue;
          seen++;
          await this.apply(connectionId, order.id, order.statusId, 'poll-long-open', problem);
        }
      }
      polls.inc({ outcome: 'ok' });
      await this.release(connectionId, lease, statusPollInterval(calls, perMinute), { seen, calls, problems });
    } catch (error) {
      polls.inc({ outcome: 'error' });
      problem('poll-failed', { detail: (error as Error).message });
      await this.release(connectionId, lease, STATUS_POLL_DEFAULTS.intervalMs(), { seen, calls, problems });
      throw error;
    }
  }

  private async apply(connectionId: string, iderisOrderId: number, statusId: number, source: string, problem: (kind: string, fields: object) => void): Promise<void> {
    await runInLane('normal', () => this.sync.applyIderisStatus(connectionId, iderisOrderId, statusId, source)).catch((error: Error) => {
      // A busy order is seen again next round; anything else is recorded and does not stop the others.
      if (!(error instanceof BusyError)) problem('apply-failed', { iderisOrderId, detail: error.message });
    });
  }

  /** Fenced on the lease: a poll that lost it (a late renewal) leaves its successor's state alone. */
  private async release(connectionId: string, lease: PollLease, intervalMs: number, result: { seen: number; calls: number; problems: unknown[] }): Promise<void> {
    await this.dataSource.query(
      `UPDATE status_poll_state SET next_poll_at = now() + make_interval(secs => $2::int / 1000.0), last_poll_at = now(), polls = polls + 1,
          last_seen = $3, last_calls = $4, problems = $5, lease_holder = NULL, lease_until = NULL
        WHERE connection_id = $1 AND lease_holder = $6`,
      [connectionId, intervalMs, result.seen, result.calls, JSON.stringify(result.problems.slice(-20)), lease.holder],
    );
  }
}
