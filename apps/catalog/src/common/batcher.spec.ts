import { Batcher } from './batcher';

describe('Batcher', () => {
  it('serves concurrent callers in one call, a repeated key in the next, in order', async () => {
    const calls: string[][] = [];
    const batcher = new Batcher<string, string>(async (items) => {
      calls.push(items);
      return items.map((item) => item.toUpperCase());
    }, { max: 10, keyOf: (item) => item[0]! });
    const results = await Promise.all(['a1', 'b1', 'a2', 'c1'].map((item) => batcher.submit(item)));
    expect(results).toEqual(['A1', 'B1', 'A2', 'C1']);
    expect(calls).toEqual([['a1', 'b1', 'c1'], ['a2']]);
  });

  it('never runs two calls at once and caps a call at max', async () => {
    let inFlight = 0;
    let most = 0;
    const sizes: number[] = [];
    const batcher = new Batcher<number, number>(async (items) => {
      most = Math.max(most, ++inFlight);
      sizes.push(items.length);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return items;
    }, { max: 3 });
    await Promise.all(Array.from({ length: 7 }, (_, i) => batcher.submit(i)));
    expect(most).toBe(1);
    expect(sizes).toEqual([3, 3, 1]);
  });

  it('a failing call is retried item by item: only the bad one fails', async () => {
    const batcher = new Batcher<number, number>(async (items) => {
      if (items.includes(2)) throw new Error('bad');
      return items.map((n) => n * 10);
    }, { max: 10 });
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseFulfilledResult<number>).value).toBe(10);
  });
});
