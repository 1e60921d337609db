import { MARKETPLACE_NOT_SELECTED, type MarketplaceAccountState, type NewMarketplaceAccounts } from '@hub/contracts';

export interface SelectableAccount {
  state: MarketplaceAccountState;
  tinyIntegrationId: number | null;
}

export type ImportDecision = { import: true; tinyIntegrationId: number | null } | { import: false; reasonCode: typeof MARKETPLACE_NOT_SELECTED; reason: string };

/**
 * Whether an order of a marketplace account is imported, and under which Tiny integration id. `not_chosen` (an account
 * nobody decided on yet, or an order naming no account) follows the connection's `newMarketplaceAccounts`; the
 * account's own integration id ("Identificador da plataforma") wins over the connection's.
 */
export function decideImport(account: SelectableAccount | undefined, newAccounts: NewMarketplaceAccounts, connectionTinyIntegrationId: number | null, accountLabel: string): ImportDecision {
  const state = account?.state ?? 'not_chosen';
  const importing = state === 'enabled' || (state === 'not_chosen' && newAccounts === 'import');
  if (!importing) {
    const why = state === 'disabled' ? 'is turned off' : 'has not been chosen yet';
    return { import: false, reasonCode: MARKETPLACE_NOT_SELECTED, reason: `marketplace account ${accountLabel} ${why}` };
  }
  return { import: true, tinyIntegrationId: account?.tinyIntegrationId ?? connectionTinyIntegrationId };
}

/**
 * The state an account gets when the hub first sees it: `not_chosen`, except on a connection that imported orders
 * before marketplace selection existed and has no account recorded yet. Such a seller had every account on, and an
 * upgrade must not stop their orders: its accounts start `enabled`.
 */
export function firstSeenState(connectionHasAccounts: boolean, connectionImportedBefore: boolean): MarketplaceAccountState {
  return !connectionHasAccounts && connectionImportedBefore ? 'enabled' : 'not_chosen';
}
