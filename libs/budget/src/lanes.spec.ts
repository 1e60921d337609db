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
});
