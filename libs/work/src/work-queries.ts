import type { WorkActivityBucket, WorkFilter, WorkGroup, WorkItemView, WorkSearchHit, WorkStatus } from '@hub/contracts';
import { iso, rows, type FlowTable, type Queryable, type WorkRow } from './flow-table';
import { encodeRef } from './work-ref';

/** The view of one flow's rows: every column of `WorkItemView`, plus the search keys. */
function viewSql(t: FlowTable, where: string): string {
  const refs = Object.entries(t.refs).map(([name, expr]) => `'${name}', (${expr})::text`).join(', ');
  return `SELECT (${t.connectionId})::text AS connection_id, (${t.key})::text AS key, ${t.status} AS status, (${t.outcome})::text AS outcome,
                 ${t.reasonCode} AS reason_code, (${t.reasonDetail})::text AS reason_detail, coalesce((${t.attempts})::int, 0) AS attempts,
                 ${t.createdAt} AS created_at, ${t.updatedAt} AS updated_at, ${t.nextCheckAt ?? 'NULL::timestamptz'} AS next_check_at,
                 json_strip_nulls(json_build_object(${refs})) AS refs, ARRAY[${t.search.map((s) => `(${s})::text`).join(', ') || 'NULL::text'}] AS search_keys,
                 (${t.label})::text AS label
            FROM ${t.from} WHERE ${where}`;
}

/** Filters over the view (`v`), with their parameters from `$1`. */
function filterSql(filter: WorkFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const clauses: string[] = [];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(clause(`$${params.length}`));
  };
  if (filter.connectionId) add((p) => `v.connection_id = ${p}`, filter.connectionId);
  if (filter.connectionIds) add((p) => `v.connection_id = ANY(${p}::text[])`, filter.connectionIds);
  if (filter.reasonCode) add((p) => `v.reason_code = ${p}`, filter.reasonCode);
  if (filter.status) add((p) => `v.status = ${p}`, filter.status);
  if (filter.q) add((p) => `${p} = ANY(v.search_keys)`, filter.q.trim());
  if (filter.olderThanMinutes) add((p) => `v.created_at < now() - make_interval(mins => ${p}::int)`, filter.olderThanMinutes);
  return { where: clauses.length ? clauses.join(' AND ') : 'true', params };
}

export function toView(t: FlowTable, row: WorkRow): WorkItemView {
  return {
    ref: encodeRef(t.flow, row.connection_id, row.key),
    flow: t.flow,
    connectionId: row.connection_id,
    connectionName: null,
    key: row.key,
    status: row.status,
    outcome: row.outcome,
    reasonCode: row.reason_code,
    reasonDetail: row.reason_detail,
    attempts: Number(row.attempts),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    nextCheckAt: iso(row.next_check_at),
    refs: row.refs as WorkItemView['refs'],
  };
}

/** The queries of the failure inbox, the search and the activity chart over one flow's table. */
export class WorkQueries {
  constructor(readonly table: FlowTable) {}

  /** The first `limit` items of the inbox (or of every row: `anyState`), newest first, and how many match. */
  async list(db: Queryable, filter: WorkFilter, limit: number, anyState = false): Promise<{ total: number; items: WorkItemView[] }> {
    const { where, params } = filterSql(filter);
    const view = viewSql(this.table, anyState ? 'true' : this.table.inbox);
    const [count] = await rows<{ n: number }>(db, `SELECT count(*)::int AS n FROM (${view}) v WHERE ${where}`, params);
    const found = limit > 0
      ? await rows<WorkRow>(db, `SELECT * FROM (${view}) v WHERE ${where} ORDER BY v.updated_at DESC, v.key LIMIT $${params.length + 1}`, [...params, limit])
      : [];
    return { total: count?.n ?? 0, items: found.map((r) => toView(this.table, r)) };
  }

  /** Every item matching `filter` (a bulk retry), at most `cap`. */
  async all(db: Queryable, filter: WorkFilter, cap: number, anyState = false): Promise<WorkItemView[]> {
    return (await this.list(db, filter, cap, anyState)).items;
  }

  async groups(db: Queryable, filter: WorkFilter): Promise<WorkGroup[]> {
    const { where, params } = filterSql(filter);
    const found = await rows<{ connection_id: string | null; reason_code: string; n: number; oldest: Date; sample: string | null }>(
      db,
      `SELECT v.connection_id, v.reason_code, count(*)::int AS n, min(v.created_at) AS oldest, (array_agg(v.reason_detail ORDER BY v.updated_at DESC))[1] AS sample
         FROM (${viewSql(this.table, this.table.inbox)}) v WHERE ${where} GROUP BY v.connection_id, v.reason_code`,
      params,
    );
    return found.map((g) => ({ connectionId: g.connection_id, flow: this.table.flow, reasonCode: g.reason_code, count: g.n, oldestAt: iso(g.oldest)!, sampleDetail: g.sample }));
  }

  /** Open rows per status, with the oldest one's creation (the flow's metrics). */
  async openCounts(db: Queryable): Promise<{ status: Exclude<WorkStatus, 'succeeded'>; count: number; oldestAt: Date }[]> {
    const found = await rows<{ status: Exclude<WorkStatus, 'succeeded'>; n: number; oldest: Date }>(
      db,
      `SELECT v.status, count(*)::int AS n, min(v.created_at) AS oldest
         FROM (SELECT ${this.table.status} AS status, ${this.table.createdAt} AS created_at FROM ${this.table.from} WHERE ${this.table.open}) v
        WHERE v.status <> 'succeeded' GROUP BY v.status`,
    );
    return found.map((r) => ({ status: r.status, count: r.n, oldestAt: new Date(r.oldest) }));
  }

  /** One item by its key, in the inbox or not (a retry of a done item is answered `already_done`). */
  async find(db: Queryable, connectionId: string | null, key: string): Promise<WorkItemView | undefined> {
    const [row] = await rows<WorkRow>(
      db,
      `SELECT * FROM (${viewSql(this.table, 'true')}) v WHERE v.key = $1 AND v.connection_id IS NOT DISTINCT FROM $2 LIMIT 1`,
      [key, connectionId],
    );
    return row ? toView(this.table, row) : undefined;
  }

  /** Rows (any state) whose ids match `q` exactly. */
  async search(db: Queryable, q: string, limit = 20, connectionIds: string[] | null = null): Promise<WorkSearchHit[]> {
    if (this.table.search.length === 0) return [];
    const found = await rows<WorkRow & { label: string }>(
      db,
      `SELECT * FROM (${viewSql(this.table, 'true')}) v WHERE $1 = ANY(v.search_keys) AND ($3::text[] IS NULL OR v.connection_id = ANY($3::text[])) ORDER BY v.updated_at DESC LIMIT $2`,
      [q.trim(), limit, connectionIds],
    );
    return found.map((r) => {
      const view = toView(this.table, r);
      return { kind: this.table.hitKind, connectionId: r.connection_id, label: r.label, flow: this.table.flow, refs: { ...view.refs, ref: view.ref } };
    });
  }

  /** Processed and failed rows per hour since `from`. */
  async activity(db: Queryable, connectionId: string | undefined, from: string, connectionIds: string[] | null = null): Promise<WorkActivityBucket[]> {
    const buckets = new Map<string, WorkActivityBucket>();
    for (const { counts: field, at: expr, from: source = this.table.from } of this.table.activity) {
      const found = await rows<{ hour: Date; n: number }>(
        db,
        `SELECT date_trunc('hour', ${expr}) AS hour, count(*)::int AS n FROM ${source}
          WHERE ${expr} >= $1 AND ($2::text IS NULL OR (${this.table.connectionId})::text = $2)
            AND ($3::text[] IS NULL OR (${this.table.connectionId})::text = ANY($3::text[])) GROUP BY 1`,
        [from, connectionId ?? null, connectionIds],
      );
      for (const r of found) {
        const hour = iso(r.hour)!;
        const bucket = buckets.get(hour) ?? { hour, flow: this.table.flow, processed: 0, failed: 0 };
        bucket[field] += r.n;
        buckets.set(hour, bucket);
      }
    }
    return [...buckets.values()];
  }
}
