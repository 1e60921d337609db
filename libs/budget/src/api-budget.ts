import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { migrateServiceSchema } from '@hub/platform';
import { AccountBudget } from './account-budget';
import { BudgetTables1764200000300 } from './budget-tables.migration';
import { BudgetMinutes1764800000300 } from './budget-minutes.migration';
import { BudgetCallEnds1765300000300 } from './budget-call-ends.migration';
import { BudgetUnreleasedCalls1765400000300 } from './budget-unreleased-calls.migration';
import { BudgetGrantFunction1765000000300 } from './budget-grant-function.migration';
import type { BudgetReport } from './budget-report';
import { BudgetStore, type BucketLimits } from './budget-store';

export const API_BUDGET_SCHEMA = 'api_budget';

/** Defaults where the provider has not told us yet. */
export const PROVIDER_DEFAULTS = {
  /** Tiny's smallest API plan; the first answer's x-limit-api replaces it. */
  tinyCallsPerMinute: 30,
  tinyBatchCallsPerMinute: 5,
  /** Ideris publishes no header; ~50/min is what production integrators observe. */
  iderisCallsPerMinute: 50,
  iderisMaxConcurrent: 5,
};

export interface AccountOverrides {
  callsPerMinute?: number;
}

/**
 * The API budget of every provider account, shared by all replicas of all services through PostgreSQL.
 * Accounts are keyed by a hash of their credential, so two connections on one Tiny account share it.
 */
export class ApiBudget {
  private readonly accounts = new Map<string, AccountBudget>();
  private readonly processId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private pruneTimer?: NodeJS.Timeout;

  constructor(private readonly store: BudgetStore) {
    this.pruneTimer = setInterval(() => void this.store.prune().catch(() => undefined), 30_000);
    this.pruneTimer.unref();
  }

  static async connect(databaseUrl: string, options: { schema?: string; windowMs?: number; unreleasedCallMs?: number } = {}): Promise<ApiBudget> {
    const schema = options.schema ?? API_BUDGET_SCHEMA;
    await migrateServiceSchema({ url: databaseUrl, schema, entities: [], migrations: [BudgetTables1764200000300, BudgetMinutes1764800000300, BudgetGrantFunction1765000000300, BudgetCallEnds1765300000300, BudgetUnreleasedCalls1765400000300] });
    return new ApiBudget(BudgetStore.connect(databaseUrl, schema, options.windowMs, options.unreleasedCallMs));
  }

  /**
   * A Tiny account's budget. `overrides.callsPerMinute` (the connection's setting) is authoritative: written to the
   * shared bucket, also when this process held the account already; without it the default (30) only starts a bucket
   * that does not exist yet, and the first answer's `x-limit-api` replaces it.
   */
  tiny(token: string, overrides: AccountOverrides = {}): AccountBudget {
    const key = `tiny:${fingerprint(token)}`;
    const tinyLimits = (limit: number) => ({ limitPerMinute: limit, maxConcurrent: Math.max(1, Math.floor(limit / 4)) });
    return this.account(key, overrides, tinyLimits, () => {
      const main = this.create(key, 'tiny', tinyLimits(overrides.callsPerMinute ?? PROVIDER_DEFAULTS.tinyCallsPerMinute), overrides.callsPerMinute !== undefined);
      const batch = this.create(`${key}:batch`, 'tiny', { limitPerMinute: PROVIDER_DEFAULTS.tinyBatchCallsPerMinute, maxConcurrent: PROVIDER_DEFAULTS.tinyBatchCallsPerMinute }, true);
      return main.withBatchBucket(batch);
    });
  }

  /**
   * An Ideris account's budget. Ideris announces no limit: the connection's `iderisCallsPerMinute` is authoritative as
   * for Tiny; a caller without it (the gateway's credential check) uses the default (50) only for a bucket that does not
   * exist yet — it never overwrites the limit a connection configured (which let the workers grant 50 a minute on a
   * 17-a-minute account after a re-verification).
   */
  ideris(privateKey: string, overrides: AccountOverrides = {}): AccountBudget {
    const key = `ideris:${fingerprint(privateKey)}`;
    const iderisLimits = (limit: number) => ({ limitPerMinute: limit, maxConcurrent: PROVIDER_DEFAULTS.iderisMaxConcurrent });
    return this.account(key, overrides, iderisLimits, () =>
      this.create(key, 'ideris', iderisLimits(overrides.callsPerMinute ?? PROVIDER_DEFAULTS.iderisCallsPerMinute), overrides.callsPerMinute !== undefined),
    );
  }

  /** The bucket key of a provider account: what `report` reads. */
  static keyOf(provider: 'tiny' | 'ideris', credential: string): string {
    return `${provider}:${fingerprint(credential)}`;
  }

  /** The account's budget state for the dashboard, read from the shared schema (nothing else reads it). */
  report(provider: 'tiny' | 'ideris', credential: string): Promise<BudgetReport> {
    return this.store.report(ApiBudget.keyOf(provider, credential));
  }

  async close(): Promise<void> {
    clearInterval(this.pruneTimer);
    for (const a of this.accounts.values()) a.close();
    await this.store.close();
  }

  /** This process's one budget of the account; a configured limit it did not hold yet is adopted. */
  private account(key: string, overrides: AccountOverrides, limitsOf: (limit: number) => BucketLimits, create: () => AccountBudget): AccountBudget {
    let account = this.accounts.get(key);
    if (!account) {
      account = create();
      this.accounts.set(key, account);
    } else if (overrides.callsPerMinute !== undefined) {
      account.configure(limitsOf(overrides.callsPerMinute));
    }
    return account;
  }

  private create(key: string, provider: 'tiny' | 'ideris', limits: { limitPerMinute: number; maxConcurrent: number }, overridden: boolean): AccountBudget {
    return new AccountBudget(this.store, key, provider, this.processId, limits, overridden);
  }
}

function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 24);
}
