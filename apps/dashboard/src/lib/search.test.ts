import { describe, expect, it } from 'vitest';
import { parseFailuresSearch, parseOrdersSearch, parseOverviewSearch } from './search';

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
});
