import { describe, expect, it } from 'vitest';
import { matchesOrderFilters, parseFailuresSearch, parseOrdersSearch, parseOverviewSearch } from './search';

describe('URL search parameters', () => {
  it('keeps the orders filters that are valid and drops the rest', () => {
    expect(parseOrdersSearch({ connectionId: 'c1', state: 'needs_mapping', marketplace: 'Shopee', from: '2026-12-01', to: 'yesterday', offset: '50', other: 'x' })).toEqual({
      connectionId: 'c1',
      state: 'needs_mapping',
      marketplace: 'Shopee',
      from: '2026-12-01',
      offset: 50,
    });
    expect(parseOrdersSearch({ state: 'bogus', offset: -1 })).toEqual({});
  });

  it('reads the failure inbox filters and the overview counters', () => {
    expect(parseFailuresSearch({ flow: 'stock', reasonCode: 'tiny_auth', status: 'gave_up', q: ' MLB-1 ' })).toEqual({ flow: 'stock', reasonCode: 'tiny_auth', status: 'gave_up', q: 'MLB-1' });
    expect(parseFailuresSearch({ flow: 'nope' })).toEqual({});
    expect(parseOverviewSearch({ health: 'failing', offset: 0 })).toEqual({ health: 'failing' });
  });

  it.each([
    [{ marketplace: 'shopee' }, true],
    [{ marketplace: 'Mercado Livre' }, false],
    [{ from: '2026-12-02' }, true],
    [{ from: '2026-12-03' }, false],
    [{ to: '2026-12-01' }, false],
    [{ from: '2026-12-01', to: '2026-12-02' }, true],
  ])('marketplace and date filters on a page: %o → %s', (f, ok) => {
    expect(matchesOrderFilters({ marketplace: 'Shopee', discoveredAt: '2026-12-02T15:00:00.000Z' }, f)).toBe(ok);
  });
});
