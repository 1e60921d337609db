import { Injectable } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { OrderEvents, type MarketplaceAccountView, type OrderImportRequestedV1 } from '@hub/contracts';
import type { IderisClient, IderisOrder } from '@hub/ideris';
import { ConnectionDirectory, ConnectionPollLoop, type PollLease } from '@hub/connections';
import { Outbox } from '@hub/messaging';
import { counter } from '@hub/platform';
import { DataSource } from 'typeorm';
import { ConnectionClients } from '@hub/integrations';
import { OrderSyncRepository } from '../import/order-sync.repository';
import { decideImport } from '../marketplaces/domain/marketplace-selection';
import { MarketplaceAccountRepository } from '../marketplaces/marketplace-account.repository';
import { MarketplaceSelectionService } from '../marketplaces/marketplace-selection.service';
import { nextPollInterval, POLL_DEFAULTS } from './poll-interval';
import { FIRST_POLL_LOOKBACK_MS } from './poll-lookback';

interface ClaimedPoll {
  watermark: Date | null;
  interval_ms: number;
  last_sweep_at: Date | null;
  problems: unknown[];
}

const discovered = counter('hub_orders_discovered_total', 'New Ideris orders discovered', []);
const polls = counter('hub_orders_polls_total', 'Ideris order searches by outcome', ['outcome']);

const CANCELLED = /cancel/i;

/**
 * Discovers new Ideris orders (Ideris sends no webhooks) for every active connection, one poller per
 * connection across all replicas (a lease in poll_state, renewed while a poll runs — its searches may wait
 * long for the connection's Ideris budget at a peak — and lapsing if its holder dies). Each new order
 * becomes a durable import job, queued in the same transaction that records it (exactly once however many
 * polls see it). The poll's state update is fenced on its lease, so a poll that lost it changes nothing.
 */
@Injectable()
export class IderisOrderPoller extends ConnectionPollLoop<ClaimedPoll> {
  constructor(
    dataSource: DataSource,
    directory: ConnectionDirectory,
    private readonly clients: ConnectionClients,
    private readonly orders: OrderSyncRepository,
    private readonly outbox: Outbox,
    private readonly marketplaces: MarketplaceAccountRepository,
    private readonly selection: MarketplaceSelectionService,
  ) {
    super(dataSource, directory, {
      name: 'order',
      stateTable: 'poll_state',
      claimColumns: 'watermark, interval_ms, last_sweep_at, problems',
      leaseMs: POLL_DEFAULTS.leaseMs,
      switchEnv: 'ORDERS_POLLING',
      flow: 'orders',
    });
  }

  protected async ensureStateRow(connectionId: string): Promise<void> {
    await this.dataSource.query(`INSERT INTO poll_state (connection_id, interval_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [connectionId, POLL_DEFAULTS.busyIntervalMs]);
  }

  /** New orders are real-time work (the periodic sweep switches itself to bulk). */
  protected async poll(connectionId: string, claim: ClaimedPoll, lease: PollLease): Promise<void> {
    return runInLane('realtime', () => this.pollNow(connectionId, claim, lease));
  }

  private async pollNow(connectionId: string, claim: ClaimedPoll, lease: PollLease): Promise<void> {
    // The window's end is taken before the read: an order approved while we read falls in the next window.
    const until = new Date();
    const problems = [...(claim.problems ?? [])];
    let clients: Awaited<ReturnType<ConnectionClients['forActive']>>;
    try {
      clients = await this.clients.forActive(connectionId);
    } catch (error) {
      // Unusable credentials (e.g. sealed under another key): recorded, and asked again at the idle pace.
      problems.push({ at: until.toISOString(), kind: 'credentials', detail: (error as Error).message });
      await this.dataSource.query(
        `UPDATE poll_state SET next_poll_at = now() + make_interval(secs => $2::int / 1000.0), problems = $3, lease_holder = NULL, lease_until = NULL WHERE connection_id = $1 AND lease_holder = $4`,
        [connectionId, POLL_DEFAULTS.idleIntervalMs, JSON.stringify(problems.slice(-20)), lease.holder],
      );
      throw error;
    }
    const { ideris, connection } = clients;
    const sweep = !claim.last_sweep_at || until.getTime() - new Date(claim.last_sweep_at).getTime() > POLL_DEFAULTS.sweepEveryMs;
    const from = claim.watermark
      ? new Date(Math.min(new Date(claim.watermark).getTime() - POLL_DEFAULTS.overlapMs, sweep ? until.getTime() - POLL_DEFAULTS.sweepOverlapMs : Infinity))
      : new Date(until.getTime() - FIRST_POLL_LOOKBACK_MS);
    const statusIds = connection.settings.importIderisStatusIds?.length ? connection.settings.importIderisStatusIds : undefined;
    let found = 0;
    try {
      // The periodic deep re-read is bulk work; the regular poll finds new orders and is real-time.
      const read = () => ideris.walkOrders({ startDate: from, endDate: until, statusIds });
      const walk = await (sweep ? runInLane('bulk', read) : read());
      const accounts = await this.knownAccounts(connectionId, ideris, walk.orders, sweep, problems);
      const newAccounts = connection.settings.newMarketplaceAccounts ?? 'skip';
      // Orders recorded already (the windows overlap: most orders are seen by two polls or more) are left out in one
      // query, instead of one insert each that would change nothing (ADR 0032).
      const known = await this.orders.knownIderisOrderIds(connectionId, walk.orders.map((order) => order.id));
      for (const order of walk.orders) {
        if (known.has(order.id)) continue;
        const cancelled = CANCELLED.test(order.statusDescription ?? '');
        const account = order.authenticationId !== undefined ? accounts.get(order.authenticationId) : undefined;
        const label = account?.name ?? (order.authenticationId !== undefined ? String(order.authenticationId) : 'unknown');
        const decision = decideImport(account, newAccounts, connection.tinyIntegrationId, `${label} (${order.marketplaceName ?? 'marketplace'})`);
        const skipped = !decision.import ? decision : undefined;
        const queue = !cancelled && !skipped;
        const job: OrderImportRequestedV1 = { connectionId, iderisOrderId: order.id, trigger: 'discovery' };
        const isNew = await this.orders.insertDiscoveredWithJob({
          connectionId, iderisOrderId: order.id, marketplace: order.marketplaceName, marketplaceOrderCode: order.code,
          iderisStatusId: order.statusId, visibleAt: order.approved, cancelled, iderisAccountId: order.authenticationId,
          skipped: skipped && { reasonCode: skipped.reasonCode, reason: skipped.reason },
        }, queue ? this.outbox.row({ subject: OrderEvents.importRequested.subject, payload: job, messageId: `import:${connectionId}:${order.id}`, connectionId }) : undefined,
        ).then((id) => !!id).catch((error: Error) => {
          // Another Ideris order with the same marketplace code: recorded as a problem, never silently dropped.
          problems.push({ at: new Date().toISOString(), kind: 'conflict', iderisOrderId: order.id, detail: error.message });
          return false;
        });
        if (isNew) found++;
      }
      for (const range of walk.unreadable) problems.push({ at: new Date().toISOString(), kind: 'unreadable-range', ...range });
      polls.inc({ outcome: 'ok' });
      discovered.inc(found);
      const interval = nextPollInterval(claim.interval_ms, found, connection.settings.iderisCallsPerMinute ?? 50);
      await this.dataSource.query(
        `UPDATE poll_state SET watermark = $2, interval_ms = $3::int, next_poll_at = now() + make_interval(secs => $3::int / 1000.0), last_poll_at = now(),
            last_sweep_at = CASE WHEN $4 THEN now() ELSE last_sweep_at END, last_found = $5, polls = polls + 1, problems = $6,
            lease_holder = NULL, lease_until = NULL
          WHERE connection_id = $1 AND lease_holder = $7`,
        [connectionId, until, interval, sweep, found, JSON.stringify(problems.slice(-20)), lease.holder],
      );
      if (found > 0) this.logger.log({ msg: 'new Ideris orders queued', connectionId, found, from, until, interval });
    } catch (error) {
      polls.inc({ outcome: 'error' });
      problems.push({ at: new Date().toISOString(), kind: 'poll-failed', detail: (error as Error).message });
      await this.dataSource.query(
        `UPDATE poll_state SET next_poll_at = now() + make_interval(secs => interval_ms / 1000.0), problems = $2, lease_holder = NULL, lease_until = NULL WHERE connection_id = $1 AND lease_holder = $3`,
        [connectionId, JSON.stringify(problems.slice(-20)), lease.holder],
      );
      throw error;
    }
  }

  /**
   * The connection's marketplace accounts, read again from Ideris on the periodic sweep (so new accounts show up for
   * the operator) and whenever an order names an account not known yet; an account Ideris does not list but an order
   * carries is recorded too, so it can be chosen.
   */
  private async knownAccounts(connectionId: string, ideris: IderisClient, orders: IderisOrder[], sweep: boolean, problems: unknown[]): Promise<Map<number, MarketplaceAccountView>> {
    let accounts = await this.marketplaces.byId(connectionId);
    const unknown = orders.filter((order) => order.authenticationId !== undefined && !accounts.has(order.authenticationId));
    if (!sweep && unknown.length === 0) return accounts;
    // New orders wait on an unknown account (real-time); the sweep's re-read only keeps the list fresh (bulk).
    const refresh = () => this.selection.refresh(connectionId, ideris);
    await (unknown.length > 0 ? refresh() : runInLane('bulk', refresh)).catch((error: Error) =>
      problems.push({ at: new Date().toISOString(), kind: 'marketplace-accounts', detail: error.message }),
    );
    accounts = await this.marketplaces.byId(connectionId);
    const missing = unknown.filter((order) => !accounts.has(order.authenticationId!));
    if (missing.length === 0) return accounts;
    const byAccount = new Map(missing.map((order) => [order.authenticationId!, { accountId: order.authenticationId!, marketplace: order.marketplaceName }]));
    await this.marketplaces.recordSeen(connectionId, [...byAccount.values()]);
    return this.marketplaces.byId(connectionId);
  }
}
