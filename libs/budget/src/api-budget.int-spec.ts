import { dropSchema, sql, testDatabaseUrl, uniqueSuffix, waitFor } from '@hub/testing';
import { ApiBudget } from './api-budget';
import { runInLane } from './lanes';

/** Minutes shortened to 2 s so the limits can be watched in a test. */
const WINDOW_MS = 2000;

class Blocked extends Error {}

describe('shared API budget (PostgreSQL)', () => {
  const schema = uniqueSuffix('budget');
  let a: ApiBudget;
  let b: ApiBudget;

  beforeAll(async () => {
    a = await ApiBudget.connect(testDatabaseUrl(), { schema, windowMs: WINDOW_MS });
    b = await ApiBudget.connect(testDatabaseUrl(), { schema, windowMs: WINDOW_MS });
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await dropSchema(schema);
  });

  it('two processes sharing an account never exceed its limit in any window, and use it fully', async () => {
    const token = uniqueSuffix('tok');
    const calls: number[] = [];
    const work = (budget: ApiBudget) => budget.tiny(token, { callsPerMinute: 8 }).run({ label: 'x' }, async () => void calls.push(Date.now()));
    const started = Date.now();
    await Promise.all(Array.from({ length: 24 }, (_, i) => work(i % 2 ? a : b)));
    const elapsed = Date.now() - started;
    calls.sort((x, y) => x - y);
    for (let i = 0; i < calls.length; i++) {
      const inWindow = calls.filter((t) => t >= calls[i]! && t < calls[i]! + WINDOW_MS).length;
      expect(inWindow).toBeLessThanOrEqual(8);
    }
    // 24 calls at 8 per window need at least two full windows after the first burst, and not much more.
    expect(elapsed).toBeGreaterThanOrEqual(2 * WINDOW_MS - 100);
    expect(elapsed).toBeLessThan(3 * WINDOW_MS + 1500);
  });

  it('counts a call from its end, so a call that reached the provider late does not open the window early (ADR 0033)', async () => {
    const token = uniqueSuffix('tok');
    const arrivals: number[] = [];
    const budget = (i: number) => (i % 2 ? a : b).tiny(token, { callsPerMinute: 8 });
    // The first call is sent 800 ms after its grant (a busy event loop); the provider counts it on arrival.
    const late = budget(0).run({ label: 'late' }, async () => {
      await new Promise((r) => setTimeout(r, 800));
      arrivals.push(Date.now());
    });
    await new Promise((r) => setTimeout(r, 50));
    await Promise.all([late, ...Array.from({ length: 11 }, (_, i) => budget(i + 1).run({ label: 'x' }, async () => void arrivals.push(Date.now())))]);
    arrivals.sort((x, y) => x - y);
    for (let i = 0; i < arrivals.length; i++) {
      const inWindow = arrivals.filter((t) => t >= arrivals[i]! && t < arrivals[i]! + WINDOW_MS).length;
      expect(inWindow).toBeLessThanOrEqual(8);
    }
    const ended = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".grant_log WHERE done_at IS NOT NULL AND lease IS NOT NULL AND key LIKE 'tiny:%' AND done_at >= granted_at`);
    expect(ended[0]!.n).toBeGreaterThanOrEqual(12);
  });

  it('counts a call its process never released from its grant + unreleasedCallMs, not from its grant (ADR 0035)', async () => {
    const c = await ApiBudget.connect(testDatabaseUrl(), { schema, windowMs: WINDOW_MS, unreleasedCallMs: 1000 });
    try {
      const token = uniqueSuffix('tok');
      const budget = c.tiny(token, { callsPerMinute: 2 });
      await budget.run({ label: 'first' }, async () => undefined); // the bucket exists; its one call ends at once
      await new Promise((r) => setTimeout(r, WINDOW_MS + 100)); // … and leaves the window
      // A call granted 1.5 s ago to a process that was SIGKILLed after sending it: no end recorded, its lease gone.
      await sql(`INSERT INTO "${schema}".grant_log (key, granted_at, lane, lease) VALUES ($1, clock_timestamp() - interval '1500 milliseconds', 'realtime', gen_random_uuid())`, [ApiBudget.keyOf('tiny', token)]);
      const sentAt: number[] = [];
      await Promise.all([0, 1].map(() => budget.run({ label: 'x' }, async () => void sentAt.push(Date.now()))));
      // From its grant, the dead call would leave the 2 s window 0.5 s from now and the second call go 1 s after the
      // first (the pacing); from its grant + 1 s it holds its slot until 1.5 s from now.
      expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(1350);
    } finally {
      await c.close();
    }
  });

  it('caps concurrency at a quarter of the per-minute limit', async () => {
    const token = uniqueSuffix('tok');
    let inFlight = 0;
    let peak = 0;
    const call = async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 1000));
      inFlight--;
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).tiny(token, { callsPerMinute: 16 }).run({ label: 'slow' }, call)));
    expect(peak).toBe(4);
  });

  it('serves a real-time call waiting behind a bulk backlog within one slot', async () => {
    const token = uniqueSuffix('tok');
    const order: string[] = [];
    const limit = { callsPerMinute: 4 };
    const bulk = Array.from({ length: 12 }, (_, i) => runInLane('bulk', () => (i % 2 ? a : b).tiny(token, limit).run({ label: 'bulk' }, async () => void order.push('bulk'))));
    await new Promise((r) => setTimeout(r, 1200)); // a backlog of bulk calls is being served, one slot each 500 ms
    const servedBefore = order.length;
    const enqueued = Date.now();
    let waited = 0;
    const realtime = runInLane('realtime', () => a.tiny(token, limit).run({ label: 'rt' }, async () => {
      waited = Date.now() - enqueued;
      order.push('realtime');
    }));
    await Promise.all([...bulk, realtime]);
    // The next slot (or the one after, if a bulk call was already granted and running) is the real-time call's.
    expect(order.indexOf('realtime')).toBeLessThanOrEqual(servedBefore + 1);
    expect(waited).toBeLessThan(2 * (WINDOW_MS / 4) + 200);
    expect(order.filter((o) => o === 'bulk')).toHaveLength(12);
  });

  it("serves a job's second call before the first calls of jobs that started after it (runInLane's since)", async () => {
    const token = uniqueSuffix('tok');
    const order: string[] = [];
    const limit = { callsPerMinute: 6 }; // a slot every 333 ms: time for a job to ask its second call
    // Four jobs of two calls each (an order's creation, then its stock posting), started together, on one process.
    const job = (n: number, since: number) =>
      runInLane('realtime', async () => {
        await a.tiny(token, limit).run({ label: 'create' }, async () => void order.push(`create-${n}`));
        await a.tiny(token, limit).run({ label: 'post' }, async () => void order.push(`post-${n}`));
      }, { since });
    const t0 = Date.now() - 100; // the jobs' starts, 10 ms apart, all before their first call
    await Promise.all(Array.from({ length: 4 }, (_, n) => job(n, t0 + 10 * n)));
    // Each job's posting comes right after its creation, not after every creation.
    expect(order).toEqual(['create-0', 'post-0', 'create-1', 'post-1', 'create-2', 'post-2', 'create-3', 'post-3']);

    // Without `since`, the postings queue behind every creation already waiting.
    order.length = 0;
    await Promise.all(Array.from({ length: 3 }, (_, n) => runInLane('realtime', async () => {
      await a.tiny(token, limit).run({ label: 'create' }, async () => void order.push(`create-${n}`));
      await a.tiny(token, limit).run({ label: 'post' }, async () => void order.push(`post-${n}`));
    })));
    expect(order.slice(0, 3)).toEqual(['create-0', 'create-1', 'create-2']);
  });

  it('lets bulk through at its reserved turn even when real-time never stops', async () => {
    const token = uniqueSuffix('tok');
    const order: string[] = [];
    const limit = { callsPerMinute: 40 };
    const bulk = runInLane('bulk', () => b.tiny(token, limit).run({ label: 'bulk' }, async () => void order.push('bulk')));
    const realtime = Array.from({ length: 15 }, () => runInLane('realtime', () => a.tiny(token, limit).run({ label: 'rt' }, async () => void order.push('rt'))));
    await Promise.all([bulk, ...realtime]);
    expect(order.indexOf('bulk')).toBeLessThanOrEqual(10);
  });

  it('turns a block signal into a pause of that account only, and runs the call again', async () => {
    const blockedToken = uniqueSuffix('tok');
    const otherToken = uniqueSuffix('tok');
    let attempts = 0;
    const blockOf = (e: unknown) => (e instanceof Blocked ? { pauseMs: 800, reason: 'test block' } : undefined);
    const started = Date.now();
    const blocked = a.tiny(blockedToken, { callsPerMinute: 100 }).run({ label: 'x', blockOf }, async () => {
      if (++attempts === 1) throw new Blocked('code 6');
      return 'done';
    });
    const otherStarted = Date.now();
    const other = await b.tiny(otherToken, { callsPerMinute: 100 }).run({ label: 'y' }, async () => Date.now() - otherStarted);
    expect(await blocked).toBe('done');
    expect(attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(750);
    expect(other).toBeLessThan(500);
    const [bucket] = await sql<{ blocks: string }>(`SELECT blocks FROM "${schema}".bucket WHERE key LIKE 'tiny:%' AND blocks > 0`);
    expect(Number(bucket!.blocks)).toBe(1);
  });

  it('gives a non-block error back to the caller at once', async () => {
    const token = uniqueSuffix('tok');
    await expect(a.tiny(token, { callsPerMinute: 100 }).run({ label: 'x', blockOf: () => undefined }, async () => {
      throw new Error('validation failed');
    })).rejects.toThrow('validation failed');
  });

  it('reports an account for the dashboard: calls per minute and by lane, blocks, the limit', async () => {
    const token = uniqueSuffix('tok');
    const blockOf = (e: unknown) => (e instanceof Blocked ? { pauseMs: 50, reason: 'test block' } : undefined);
    let blockOnce = true;
    const run = (budget: ApiBudget) => budget.tiny(token, { callsPerMinute: 100 }).run({ label: 'x', blockOf }, async () => {
      if (blockOnce) {
        blockOnce = false;
        throw new Blocked('code 6');
      }
    });
    await runInLane('realtime', () => Promise.all([run(a), run(b), run(a)]));
    await runInLane('bulk', () => run(b));
    const report = await a.report('tiny', token);
    // Four calls and the one that was blocked and ran again: five grants, all in this minute or the one before.
    expect(report.perMinute).toHaveLength(60);
    expect(report.perMinute.slice(-2).reduce((n, m) => n + m.calls, 0)).toBe(5);
    expect(report.byLane).toEqual({ realtime: 4, normal: 0, bulk: 1 });
    expect(report).toMatchObject({ limitPerMinute: 100, usedLastMinute: 5, blocks: { last24h: 1, lastAt: expect.any(String) } });
    // A process withdraws its demand right after its last grant, on its own round trip (which can land after the
    // caller's report): nobody waits any more well before the 3 s a stale demand would take to be ignored.
    await waitFor(async () => (await a.report('tiny', token)).queued === 0, 1000, 20);
    expect((await a.report('ideris', uniqueSuffix('never-called'))).limitPerMinute).toBeNull();
  });
  it('keeps the limit a connection configured: a caller without it never overwrites it, a changed one is adopted', async () => {
    const key = uniqueSuffix('ideris-key');
    const limit = async () => (await a.report('ideris', key)).limitPerMinute;
    // A worker with the connection's setting (17 a minute) runs a call: the shared bucket says 17.
    await a.ideris(key, { callsPerMinute: 17 }).run({ label: 'x' }, async () => undefined);
    expect(await limit()).toBe(17);
    // Another process checks the credentials without the setting (the gateway's verification): still 17.
    await b.ideris(key).run({ label: 'login check' }, async () => undefined);
    expect(await limit()).toBe(17);
    // The operator changes the setting; a process that already held the account adopts it at its next client.
    await a.ideris(key, { callsPerMinute: 30 }).run({ label: 'x' }, async () => undefined);
    expect(await limit()).toBe(30);
    // Tiny the same way: a configured 10 stays 10 after a caller without a setting.
    const token = uniqueSuffix('tiny-tok');
    await a.tiny(token, { callsPerMinute: 10 }).run({ label: 'x' }, async () => undefined);
    await b.tiny(token).run({ label: 'info' }, async () => undefined);
    expect((await a.report('tiny', token)).limitPerMinute).toBe(10);
  });
});
