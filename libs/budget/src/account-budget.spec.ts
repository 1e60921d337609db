import { AccountBudget } from './account-budget';
import type { BudgetStore } from './budget-store';

/** A store whose PostgreSQL is away for the first `downFor` statements: what the grant loop must ride out. */
function flakyStore(downFor: number) {
  let statements = 0;
  const writes: { limit: number; authoritative: boolean }[] = [];
  const step = () => {
    statements += 1;
    if (statements <= downFor) throw new Error('connect ECONNREFUSED');
  };
  const store = {
    ensureBucket: async (_key: string, limits: { limitPerMinute: number }, authoritative: boolean) => {
      step();
      writes.push({ limit: limits.limitPerMinute, authoritative });
    },
    heartbeat: async () => step(),
    tryGrant: async () => {
      step();
      return { granted: true, lane: 'normal', leaseId: 'lease', nextInMs: 0 };
    },
    release: async () => undefined,
  };
  return { store: store as unknown as BudgetStore, writes };
}

describe('AccountBudget with PostgreSQL away', () => {
  it('serves its callers once the database is back when the bucket could not be written at creation', async () => {
    const { store, writes } = flakyStore(3);
    const budget = new AccountBudget(store, 'ideris:x', 'ideris', 'p1', { limitPerMinute: 17, maxConcurrent: 5 }, true);
    // The creation's write failed; the call waits (never fails) and the loop writes the bucket before granting.
    await expect(budget.run({ label: 'x' }, async () => 'done')).resolves.toBe('done');
    expect(writes).toEqual([{ limit: 17, authoritative: true }]);
    budget.close();
  }, 10_000);

  it('writes a configured limit again after a failed write, before its next grant', async () => {
    const { store, writes } = flakyStore(0);
    const budget = new AccountBudget(store, 'tiny:y', 'tiny', 'p1', { limitPerMinute: 30, maxConcurrent: 7 }, false);
    await budget.run({ label: 'x' }, async () => undefined);
    const down = flakyStore(1);
    Object.assign(store, { ensureBucket: down.store.ensureBucket });
    budget.configure({ limitPerMinute: 10, maxConcurrent: 2 });
    Object.assign(store, { ensureBucket: async (_k: string, limits: { limitPerMinute: number }, authoritative: boolean) => void writes.push({ limit: limits.limitPerMinute, authoritative }) });
    await budget.run({ label: 'x' }, async () => undefined);
    expect(writes).toEqual([{ limit: 30, authoritative: false }, { limit: 10, authoritative: true }]);
    budget.close();
  });
});
