import type { NewMarketplaceAccounts } from '../connections/connection-settings';

/**
 * An Ideris marketplace account ("authentication") of a connection, as the operator chose it: `enabled` imports its
 * orders, `disabled` skips them, `not_chosen` (first seen, nobody decided yet) follows the connection's
 * `newMarketplaceAccounts` setting. Owned by the orders service (table `marketplace_account`).
 */
export const MARKETPLACE_ACCOUNT_STATES = ['enabled', 'disabled', 'not_chosen'] as const;
export type MarketplaceAccountState = (typeof MARKETPLACE_ACCOUNT_STATES)[number];

/** The reason code of an order not imported because its marketplace account is off (or not chosen). */
export const MARKETPLACE_NOT_SELECTED = 'marketplace_not_selected';

export interface MarketplaceAccountView {
  /** Ideris's `authenticationId`. */
  accountId: number;
  /** e.g. Mercado Livre. */
  marketplace: string | null;
  /** The seller's nickname of the account on that marketplace. */
  name: string | null;
  state: MarketplaceAccountState;
  /** Tiny's integration id ("Identificador da plataforma") for this account's orders; null: the connection's. */
  tinyIntegrationId: number | null;
  firstSeenAt: string;
}

export interface MarketplaceAccountList {
  newAccounts: NewMarketplaceAccounts;
  items: MarketplaceAccountView[];
}

export interface MarketplaceAccountListQuery {
  connectionId: string;
}

export interface MarketplaceAccountPut {
  connectionId: string;
  accountId: number;
  enabled: boolean;
  /** Absent: unchanged; null: back to the connection's integration id. */
  tinyIntegrationId?: number | null;
}
