import { Injectable, Logger } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import type { MarketplaceAccountList, MarketplaceAccountView } from '@hub/contracts';
import { ConnectionDirectory } from '@hub/connections';
import type { IderisClient } from '@hub/ideris';
import { ConnectionClients } from '@hub/integrations';
import { DataSource } from 'typeorm';
import { OrderRequeue } from '../admin/order-requeue';
import { FIRST_POLL_LOOKBACK_MS } from '../discovery/poll-lookback';
import { MarketplaceAccountRepository } from './marketplace-account.repository';

/**
 * The seller's choice of Ideris marketplace accounts. The list comes from Ideris (`/settings/marketplace`), read when
 * the operator looks at it and whenever the poller meets an account it does not know; the choice is ours.
 */
@Injectable()
export class MarketplaceSelectionService {
  private readonly logger = new Logger(MarketplaceSelectionService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: MarketplaceAccountRepository,
    private readonly directory: ConnectionDirectory,
    private readonly clients: ConnectionClients,
    private readonly requeue: OrderRequeue,
  ) {}

  async refresh(connectionId: string, ideris: IderisClient): Promise<void> {
    const listed = await ideris.listMarketplaceAccounts();
    await this.accounts.recordSeen(connectionId, listed.map((account) => ({ accountId: account.id, marketplace: account.marketplaceName, name: account.name })));
  }

  /** The accounts with the operator's choice; read afresh from Ideris when the connection is active (kept as is otherwise). */
  async list(connectionId: string): Promise<MarketplaceAccountList | undefined> {
    const connection = await this.directory.get(connectionId);
    if (!connection || connection.deleted) return undefined;
    if (connection.situation === 'active') {
      await runInLane('normal', async () => this.refresh(connectionId, (await this.clients.forActive(connectionId)).ideris)).catch((error: Error) =>
        this.logger.warn({ msg: 'could not read the Ideris marketplace accounts; showing the ones known', connectionId, err: error.message }),
      );
    }
    return { newAccounts: connection.settings.newMarketplaceAccounts ?? 'skip', items: await this.accounts.list(connectionId) };
  }

  /**
   * Turns an account on or off. Turning it on queues the orders skipped for it within the poller's first look-back
   * (what a new connection would have imported), so nothing the seller wanted is lost by choosing late.
   */
  async choose(connectionId: string, accountId: number, enabled: boolean, tinyIntegrationId?: number | null): Promise<{ item: MarketplaceAccountView; requeued: number } | undefined> {
    return this.dataSource.transaction(async (m) => {
      const item = await this.accounts.choose(connectionId, accountId, enabled, tinyIntegrationId, m);
      if (!item) return undefined;
      if (!enabled) return { item, requeued: 0 };
      const since = new Date(Date.now() - FIRST_POLL_LOOKBACK_MS);
      const [rows] = (await m.query(
        `UPDATE order_sync SET state = 'discovered', reason = NULL, reason_code = NULL, updated_at = now()
          WHERE connection_id = $1 AND ideris_account_id = $2 AND state = 'skipped' AND COALESCE(visible_at, discovered_at) >= $3
          RETURNING id, connection_id, ideris_order_id`,
        [connectionId, accountId, since],
      )) as [{ id: string; connection_id: string; ideris_order_id: string }[], number];
      await this.requeue.queueJobs(m, rows, 'marketplace-enabled', { accountId });
      return { item, requeued: rows.length };
    });
  }
}
