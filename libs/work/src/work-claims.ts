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
  /** Releases the claim (nothing to do once `releasedBy` told a write of the caller's own did). */
  release(): Promise<void>;
  /** The caller's own final write released the claim (`releasingClaim`): `release()` skips its round trip. */
  releasedBy(write: 'own-write'): void;
}

/**
 * SQL assignments that release the claim `holderParam` holds, for a final write that also ends the claim (one round
 * trip fewer): a claim that lapsed and was taken by another holder is left to it.
 */
export function releasingClaim(columns: Pick<ClaimColumns, 'holder' | 'until'>, holderParam: string): string {
  const { holder, until } = columns;
  return `${holder} = CASE WHEN ${holder} = ${holderParam} THEN NULL ELSE ${holder} END,
          ${until} = CASE WHEN ${holder} = ${holderParam} THEN NULL ELSE ${until} END`;
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
    const holder = newHolder();
    const result = await this.db.query(
      `UPDATE ${this.columns.table} SET ${this.claimSets('$2', '$3', condition.set)} WHERE ${this.columns.key} = $1 AND ${unclaimed(this.columns)}${condition.where ? ` AND (${condition.where})` : ''} RETURNING ${this.returning}`,
      [key, holder, this.claimMs, ...(condition.params ?? [])],
    );
    const row = returningRows<Row>(result)[0];
    return row ? this.held(key, holder, row) : undefined;
  }

  /**
   * Takes the one row `match.where` selects (e.g. by a natural key), unless a live claim holds it: `match.params` are
   * numbered from `$3` (`$1` and `$2` are the holder and the claim's length). A condition that selects more than one
   * row is an error and claims none (PostgreSQL refuses the statement); `keyOf` reads the row's key from what the
   * claim returned, for the renewals and the release.
   */
  async claimWhere(match: Required<Pick<ClaimCondition, 'where'>> & ClaimCondition, keyOf: (row: Row) => unknown): Promise<Claim<Row> | undefined> {
    const { table, key } = this.columns;
    const holder = newHolder();
    const result = await this.db.query(
      `UPDATE ${table} SET ${this.claimSets('$1', '$2', match.set)}
        WHERE ${key} = (SELECT ${key} FROM ${table} WHERE ${match.where}) AND ${unclaimed(this.columns)} AND (${match.where}) RETURNING ${this.returning}`,
      [holder, this.claimMs, ...(match.params ?? [])],
    );
    const row = returningRows<Row>(result)[0];
    return row ? this.held(keyOf(row), holder, row) : undefined;
  }

  private claimSets(holderParam: string, msParam: string, extra: string | undefined): string {
    return [`${this.columns.holder} = ${holderParam}`, `${this.columns.until} = now() + make_interval(secs => ${msParam}::float8 / 1000)`, this.columns.onClaim, extra].filter(Boolean).join(', ');
  }

  private held(key: unknown, holder: string, row: Row): Claim<Row> {
    const { table, key: keyColumn, holder: holderColumn, until } = this.columns;
    let released = false;
    return {
      holder,
      row,
      renew: async () =>
        !released && returningRows(await this.db.query(`UPDATE ${table} SET ${until} = now() + make_interval(secs => $3::float8 / 1000) WHERE ${keyColumn} = $1 AND ${holderColumn} = $2 RETURNING 1`, [key, holder, this.claimMs])).length > 0,
      release: async () => {
        if (released) return;
        await this.db.query(`UPDATE ${table} SET ${holderColumn} = NULL, ${until} = NULL WHERE ${keyColumn} = $1 AND ${holderColumn} = $2`, [key, holder]);
        released = true;
      },
      releasedBy: () => {
        released = true;
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
