import { pickNext, type Demand } from './grant-policy';

const d = (processId: string, lane: Demand['lane'], oldestAt: number, lastGrantedAt: number | null = null): Demand => ({ processId, lane, oldestAt, lastGrantedAt });

describe('pickNext', () => {
  it('serves real-time before normal before bulk, however old the bulk waiter is', () => {
    const demands = [d('a', 'bulk', 1), d('b', 'normal', 50), d('c', 'realtime', 100)];
    expect(pickNext(demands, { normal: 0, bulk: 0 })?.processId).toBe('c');
    expect(pickNext(demands.slice(0, 2), { normal: 0, bulk: 0 })?.processId).toBe('b');
  });

  it('gives bulk its reserved turn after nine grants to others, even with real-time waiting', () => {
    const demands = [d('a', 'bulk', 1), d('c', 'realtime', 100)];
    expect(pickNext(demands, { normal: 0, bulk: 8 })?.lane).toBe('realtime');
    expect(pickNext(demands, { normal: 0, bulk: 9 })?.lane).toBe('bulk');
  });

  it('gives normal its reserved turn after four grants to real-time', () => {
    const demands = [d('a', 'normal', 1), d('c', 'realtime', 100)];
    expect(pickNext(demands, { normal: 3, bulk: 0 })?.lane).toBe('realtime');
    expect(pickNext(demands, { normal: 4, bulk: 0 })?.lane).toBe('normal');
  });

  it('rotates between processes of the same lane (least recently served first)', () => {
    const demands = [d('a', 'bulk', 1, 500), d('b', 'bulk', 9, 100), d('c', 'bulk', 5, 300)];
    expect(pickNext(demands, { normal: 0, bulk: 0 })?.processId).toBe('b');
    expect(pickNext([d('a', 'bulk', 1, null), d('b', 'bulk', 0, 100)], { normal: 0, bulk: 0 })?.processId).toBe('a');
  });

  it('returns nothing when nobody waits', () => {
    expect(pickNext([], { normal: 9, bulk: 9 })).toBeUndefined();
  });
});
