import { decideImport, firstSeenState, type SelectableAccount } from './marketplace-selection';

const CONNECTION_ID = 777;

describe('decideImport (per-marketplace selection)', () => {
  const account = (state: SelectableAccount['state'], tinyIntegrationId: number | null = null): SelectableAccount => ({ state, tinyIntegrationId });
  it.each([
    ['an enabled account', account('enabled'), 'skip', { import: true, tinyIntegrationId: CONNECTION_ID }],
    ['an enabled account with its own Tiny integration id', account('enabled', 4242), 'skip', { import: true, tinyIntegrationId: 4242 }],
    ['a disabled account, whatever the setting', account('disabled'), 'import', { import: false, reasonCode: 'marketplace_not_selected', reason: 'marketplace account LOJA_B (Shopee) is turned off' }],
    ['a not-chosen account by default (skip)', account('not_chosen'), 'skip', { import: false, reasonCode: 'marketplace_not_selected', reason: 'marketplace account LOJA_B (Shopee) has not been chosen yet' }],
    ['a not-chosen account when new accounts import', account('not_chosen', 55), 'import', { import: true, tinyIntegrationId: 55 }],
    ['an order naming no known account, by default', undefined, 'skip', { import: false, reasonCode: 'marketplace_not_selected', reason: 'marketplace account LOJA_B (Shopee) has not been chosen yet' }],
    ['an order naming no known account when new accounts import', undefined, 'import', { import: true, tinyIntegrationId: CONNECTION_ID }],
  ] as const)('%s', (_case, selectable, newAccounts, expected) => {
    expect(decideImport(selectable, newAccounts, CONNECTION_ID, 'LOJA_B (Shopee)')).toEqual(expected);
  });

  it.each([
    [false, false, 'not_chosen'],
    [false, true, 'enabled'],
    [true, true, 'not_chosen'],
    [true, false, 'not_chosen'],
  ] as const)('first sight with accounts recorded=%p and orders imported before=%p → %s', (hasAccounts, importedBefore, state) => {
    expect(firstSeenState(hasAccounts, importedBefore)).toBe(state);
  });
});
