import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { keepAlive } from '@hub/platform';
import { returningRows, type Queryable } from './flow-table';

/** Where a table keeps its claims: the row's key column and the holder and expiry columns. */
export interface ClaimColumns {
  table: string;
  key: string;
  holder: string;
  until: string;
  /** Set on every claim too (e.g. `updated_at = now()`). */
  onClaim?: string;
}

/** SQL true when no live claim holds the row (for queries that pick work a claim would then take). */
export function unclaimed(columns: Pick<ClaimColumns, 'until'>): string {
  return `(${columns.until} IS NULL OR ${columns.until} < now())`;
}

/** Extra conditions of one claim (`where`, `set`), their parameters numbered from `$4`. */
export interface ClaimCondition {
  where?: string;
  set?: string;
  params?: unknown[];
}

/** A claim held by one call. */
export interface Claim<Row> {
  readonly holder: string;
  /** The claimed row as the claim's `RETURNING` read it. */
  readonly row: Row;
  /** Extends the claim; false once another holder has it (it lapsed). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

const PROCESS = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
let issued = 0;

/**
 * A fresh holder token for one claim call. Never one per process: a job, its redelivery, an operator's reprocess and a
 * scheduler run side by side in one process, and each must exclude the others. The host and pid show where it ran.
 */
export function newHolder(): string {
  issued += 1;
  return `${PROCESS}:${issued}`;
}

/**
 * Claims on the rows of one table, each held by one call: taken only when no live claim exists (never "or mine"),
 * renewed every third of its length while the work runs, released after it; a crashed holder's claim runs out.
 */
export class WorkClaims<Row = Record<string, unknown>> {
  constructor(
    private readonly db: Queryable,
    private readonly columns: ClaimColumns,
    private readonly claimMs: number,
    private readonly returning = '*',
  ) {}

  /** Takes the row unless a live claim holds it (or `condition` does not hold). */
  async claim(key: unknown, condition: ClaimCondition = {}): Promise<Claim<Row> | undefined> {
    const { table, key: keyColumn, holder: holderColumn, until } = this.columns;
    const holder = newHolder();
    const sets = [`${holderColumn} = $2`, `${until} = now() + make_interval(secs => $3::float8 / 1000)`, this.columns.onClaim, condition.set].filter(Boolean).join(', ');
    const result = await this.db.query(
      `UPDATE ${table} SET ${sets} WHERE ${keyColumn} = $1 AND ${unclaimed(this.columns)}${condition.where ? ` AND (${condition.where})` : ''} RETURNING ${this.returning}`,
      [key, holder, this.claimMs, ...(condition.params ?? [])],
    );
    const row = returningRows<Row>(result)[0];
    if (!row) return undefined;
    return {
      holder,
      row,
      renew: async () =>
        returningRows(await this.db.query(`UPDATE ${table} SET ${until} = now() + make_interval(secs => $3::float8 / 1000) WHERE ${keyColumn} = $1 AND ${holderColumn} = $2 RETURNING 1`, [key, holder, this.claimMs])).length > 0,
      release: async () => {
        await this.db.query(`UPDATE ${table} SET ${holderColumn} = NULL, ${until} = NULL WHERE ${keyColumn} = $1 AND ${holderColumn} = $2`, [key, holder]);
      },
    };
  }

  /**
   * Runs `work` under a claim of the row, renewed while it runs and released after (a failed release is left to
   * run out). `held: false` when another call holds the row.
   */
  async hold<T>(key: unknown, work: (claim: Claim<Row>) => Promise<T>, condition?: ClaimCondition): Promise<{ held: true; value: T } | { held: false }> {
    const claim = await this.claim(key, condition);
    if (!claim) return { held: false };
    const stopRenewing = keepAlive(() => claim.renew(), this.claimMs);
    try {
      return { held: true, value: await work(claim) };
    } finally {
      stopRenewing();
      await claim.release().catch(() => undefined);
    }
  }
}
