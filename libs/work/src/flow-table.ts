import type { FlowName, FlowSummary, SearchHitKind, WorkRefs, WorkStatus } from '@hub/contracts';

/** Anything that runs SQL: a TypeORM DataSource or EntityManager. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** The rows of a query; an `UPDATE … RETURNING` run on a DataSource answers `[rows, count]`, read as its rows. */
export async function rows<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  return returningRows<T>(await db.query(sql, params));
}

/** `UPDATE … RETURNING` rows, from a DataSource (`[rows, count]`) or an EntityManager/driver answer (`rows`). */
export function returningRows<Row>(result: unknown): Row[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as Row[];
  return Array.isArray(result) ? (result as Row[]) : [];
}


/**
 * How one flow's table reads as work items: SQL expressions over the row (alias `t`). This is all a flow states
 * for the list, the groups, the search, one item and the activity chart; `WorkQueries` writes the queries.
 */
export interface FlowTable {
  flow: FlowName;
  /** `FROM` clause, the row aliased `t` (joins allowed). */
  from: string;
  connectionId: string;
  key: string;
  /** The failure inbox: rows an operator should look at. */
  inbox: string;
  /** Rows not finished (queued, running, waiting, given up), as the flow's partial index reads them: the metrics' rows. */
  open: string;
  status: string;
  outcome: string;
  reasonCode: string;
  reasonDetail: string;
  attempts: string;
  createdAt: string;
  updatedAt: string;
  nextCheckAt?: string;
  refs: Partial<Record<keyof WorkRefs, string>>;
  /** Expressions matched exactly against a search (`q`): ids, numbers, keys, SKUs. */
  search: string[];
  hitKind: SearchHitKind;
  /** The search hit's label. */
  label: string;
  /**
   * Timestamps counted per hour in the activity chart: each entry counts the rows of `from` (default: the flow's
   * own; aliased `t`, with the same `connectionId` expression) whose `at` falls in the hour.
   */
  activity: { counts: 'processed' | 'failed'; at: string; from?: string }[];
}

/** A row of `WorkQueries` before its ref is made. */
export interface WorkRow {
  connection_id: string | null;
  key: string;
  status: WorkStatus;
  outcome: string;
  reason_code: string;
  reason_detail: string | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
  next_check_at: Date | null;
  refs: Record<string, unknown>;
}

/** The columns a flow's summary SQL returns, one row per connection. */
export interface SummaryRow {
  connection_id: string;
  last_success_at: Date | null;
  last_attempt_at: Date | null;
  last_failure_at: Date | null;
  failures: number | string;
  pending: number | string;
  oldest_pending_at: Date | null;
  expected_seconds?: number | null;
  poller_success_at?: Date | null;
  poller_failure_at?: Date | null;
  poller_error?: string | null;
}

export function iso(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : new Date(value).toISOString();
}

export function toSummary(flow: FlowName, expectedEverySeconds: number, row: SummaryRow, poller: boolean): FlowSummary {
  const summary: FlowSummary = {
    connectionId: row.connection_id,
    flow,
    lastSuccessAt: iso(row.last_success_at),
    lastAttemptAt: iso(row.last_attempt_at),
    lastFailureAt: iso(row.last_failure_at),
    failures: Number(row.failures ?? 0),
    pending: Number(row.pending ?? 0),
    oldestPendingAt: iso(row.oldest_pending_at),
    expectedEverySeconds: Number(row.expected_seconds ?? expectedEverySeconds),
  };
  if (poller) summary.poller = { lastSuccessAt: iso(row.poller_success_at), lastFailureAt: iso(row.poller_failure_at), lastError: row.poller_error ?? null };
  return summary;
}
