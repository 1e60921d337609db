import { ORDER_DAY_ZONE, type OrderFilter } from '@hub/contracts';

/**
 * The order's day for the operator's date filter: its marketplace date (Ideris's payment approval, `visible_at`),
 * or when the hub first saw it when Ideris gave none. Index `order_sync_marketplace_day` is on exactly this
 * expression: change both together.
 */
export const ORDER_DAY_SQL = 'COALESCE(visible_at, discovered_at)';

export interface OrderWhere extends OrderFilter {
  state?: string;
  workStatus?: string;
}

/**
 * The WHERE of an orders list (one connection, then only the filters set) and its parameters, `$1` the connection;
 * a caller's further parameters follow from `$<params.length + 1>`. A day range covers whole days in Brasília time.
 */
export function orderWhere(connectionId: string, f: OrderWhere): { sql: string; params: unknown[] } {
  const params: unknown[] = [connectionId];
  const clauses = ['connection_id = $1'];
  const add = (value: string | undefined, clause: (param: string) => string) => {
    if (value === undefined || value === null) return;
    params.push(value);
    clauses.push(clause(`$${params.length}`));
  };
  add(f.state, (p) => `state = ${p}`);
  add(f.workStatus, (p) => `work_status = ${p}`);
  add(f.marketplace, (p) => `lower(marketplace) = lower(${p})`);
  add(f.from, (p) => `${ORDER_DAY_SQL} >= (${p}::date)::timestamp AT TIME ZONE '${ORDER_DAY_ZONE}'`);
  add(f.to, (p) => `${ORDER_DAY_SQL} < (${p}::date + 1)::timestamp AT TIME ZONE '${ORDER_DAY_ZONE}'`);
  return { sql: clauses.join(' AND '), params };
}
