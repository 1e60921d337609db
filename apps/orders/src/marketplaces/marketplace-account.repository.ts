import { Injectable } from '@nestjs/common';
import type { MarketplaceAccountState, MarketplaceAccountView } from '@hub/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { firstSeenState } from './domain/marketplace-selection';

export interface MarketplaceAccountRow {
  account_id: string;
  marketplace: string | null;
  name: string | null;
  state: MarketplaceAccountState;
  tiny_integration_id: string | null;
  first_seen_at: Date;
}

export interface SeenAccount {
  accountId: number;
  marketplace?: string;
  name?: string;
}

/** The seller's Ideris marketplace accounts per connection, with the operator's choice for each. */
@Injectable()
export class MarketplaceAccountRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(connectionId: string, m: EntityManager = this.dataSource.manager): Promise<MarketplaceAccountView[]> {
    const rows: MarketplaceAccountRow[] = await m.query('SELECT * FROM marketplace_account WHERE connection_id = $1 ORDER BY first_seen_at, account_id', [connectionId]);
    return rows.map(toView);
  }

  async byId(connectionId: string, m: EntityManager = this.dataSource.manager): Promise<Map<number, MarketplaceAccountView>> {
    return new Map((await this.list(connectionId, m)).map((account) => [account.accountId, account]));
  }

  /**
   * Records the accounts Ideris lists (names refreshed, the operator's choice kept). New ones start `not_chosen`, except
   * on the first listing of a connection that imported orders before selection existed (see `firstSeenState`).
   */
  async recordSeen(connectionId: string, accounts: SeenAccount[]): Promise<void> {
    if (accounts.length === 0) return;
    await this.dataSource.transaction(async (m) => {
      const [{ known, imported }] = (await m.query(
        `SELECT EXISTS (SELECT 1 FROM marketplace_account WHERE connection_id = $1) AS known,
                EXISTS (SELECT 1 FROM order_sync WHERE connection_id = $1 AND state = 'imported') AS imported`,
        [connectionId],
      )) as [{ known: boolean; imported: boolean }];
      const state = firstSeenState(known, imported);
      for (const account of accounts) {
        await m.query(
          `INSERT INTO marketplace_account (connection_id, account_id, marketplace, name, state) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (connection_id, account_id) DO UPDATE
             SET marketplace = COALESCE(EXCLUDED.marketplace, marketplace_account.marketplace), name = COALESCE(EXCLUDED.name, marketplace_account.name)`,
          [connectionId, account.accountId, account.marketplace ?? null, account.name ?? null, state],
        );
      }
    });
  }

  /** The operator's choice. Undefined when the account is unknown. */
  async choose(connectionId: string, accountId: number, enabled: boolean, tinyIntegrationId: number | null | undefined, m: EntityManager): Promise<MarketplaceAccountView | undefined> {
    // TypeORM answers an UPDATE … RETURNING on PostgreSQL as [rows, count].
    const [rows] = (await m.query(
      `UPDATE marketplace_account SET state = $3, tiny_integration_id = CASE WHEN $4 THEN $5::bigint ELSE tiny_integration_id END, updated_at = now()
        WHERE connection_id = $1 AND account_id = $2 RETURNING *`,
      [connectionId, accountId, enabled ? 'enabled' : 'disabled', tinyIntegrationId !== undefined, tinyIntegrationId ?? null],
    )) as [MarketplaceAccountRow[], number];
    return rows[0] ? toView(rows[0]) : undefined;
  }
}

export function toView(row: MarketplaceAccountRow): MarketplaceAccountView {
  return {
    accountId: Number(row.account_id),
    marketplace: row.marketplace,
    name: row.name,
    state: row.state,
    tinyIntegrationId: row.tiny_integration_id === null ? null : Number(row.tiny_integration_id),
    firstSeenAt: new Date(row.first_seen_at).toISOString(),
  };
}
