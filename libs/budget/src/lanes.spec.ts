import { currentLane, currentQueuePlace, runInLane } from './lanes';

describe('lanes', () => {
  it('decides the lane for everything inside, normal by default', async () => {
    expect(currentLane()).toBe('normal');
    await runInLane('realtime', async () => {
      await Promise.resolve();
      expect(currentLane()).toBe('realtime');
      runInLane('bulk', () => expect(currentLane()).toBe('bulk'));
      expect(currentLane()).toBe('realtime');
    });
  });

  it("keeps a job's queue place in nested lanes unless they set their own", () => {
    expect(currentQueuePlace()).toBeUndefined();
    runInLane('realtime', () => {
      expect(currentQueuePlace()).toBe(1000);
      runInLane('normal', () => expect(currentQueuePlace()).toBe(1000));
      runInLane('normal', () => expect(currentQueuePlace()).toBe(2000), { since: 2000 });
    }, { since: 1000 });
    runInLane('realtime', () => expect(currentQueuePlace()).toBeUndefined());
  });

  it("takes 'now' as a place at the job's start, strictly after one taken before it in the same tick", () => {
    const before = Date.now();
    const places: number[] = [];
    for (let i = 0; i < 3; i += 1) runInLane('realtime', () => places.push(currentQueuePlace()!), { since: 'now' });
    expect(places[0]).toBeGreaterThanOrEqual(before - 1);
    expect(places[0]).toBeLessThanOrEqual(Date.now() + 1);
    expect(places[1]).toBeGreaterThan(places[0]!);
    expect(places[2]).toBeGreaterThan(places[1]!);
  });
});
