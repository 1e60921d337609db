import { Ticker } from './ticker';

describe('Ticker', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const slowTicks = () => {
    const started: number[] = [];
    const finish: Array<() => void> = [];
    const tick = () => new Promise<void>((resolve) => {
      started.push(Date.now());
      finish.push(resolve);
    });
    return { started, finish, tick };
  };

  it('skips a tick while the previous one still runs, and stop waits for it', async () => {
    const { started, finish, tick } = slowTicks();
    const ticker = new Ticker(tick, 100);
    ticker.start();
    await jest.advanceTimersByTimeAsync(350);
    expect(started).toHaveLength(1);
    let stopped = false;
    const stopping = ticker.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish[0]!();
    await stopping;
    expect(ticker.started).toBe(false);
    await jest.advanceTimersByTimeAsync(500);
    expect(started).toHaveLength(1);
  });

  it('lets ticks overlap when asked, and goes on after a failed one', async () => {
    const { started, finish, tick } = slowTicks();
    const ticker = new Ticker(tick, 100, { overlap: true });
    ticker.start();
    await jest.advanceTimersByTimeAsync(350);
    expect(started).toHaveLength(3);
    finish.forEach((done) => done());
    await ticker.stop();

    let calls = 0;
    const failing = new Ticker(async () => {
      calls += 1;
      throw new Error('database down');
    }, 100);
    failing.start();
    await jest.advanceTimersByTimeAsync(250);
    await failing.stop();
    expect(calls).toBe(2);
  });
});
