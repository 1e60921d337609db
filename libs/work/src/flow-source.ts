import type { FlowName, FlowSummary, SkipReason, WorkItemView, WorkTimelineEntry } from '@hub/contracts';
import type { FlowTable, Queryable } from './flow-table';

/** What a retry did with one item: queued again, or skipped with the reason. */
export type RetryVerdict = 'queued' | SkipReason;

export interface ItemHistory {
  timeline: WorkTimelineEntry[];
  request?: unknown;
  answer?: unknown;
}

/**
 * One flow as the operator dashboard sees it. A flow plugs in with its table's shape (`table`), its freshness per
 * connection (`summary`, one GROUP BY query), what it journaled about an item (`history`), and its own existing
 * reprocess path (`retry`, deciding per item from the row as it is now).
 */
export interface FlowSource {
  readonly flow: FlowName;
  readonly table: FlowTable;
  summary(db: Queryable): Promise<FlowSummary[]>;
  history(db: Queryable, item: WorkItemView): Promise<ItemHistory>;
  retry(db: Queryable, items: WorkItemView[]): Promise<RetryVerdict[]>;
}

export const WORK_FLOW_SOURCES = Symbol('WORK_FLOW_SOURCES');
