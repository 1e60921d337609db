import { api } from './client';
import type { FailureGroup, Page, RetryFilter, RetryResult, WorkItemDetail, WorkItemView } from './views';
import type { FailuresSearch } from '../lib/search';

export const FAILURES_LIMIT = 50;
/** The inbox pages up to offset + limit ≤ 5000 (a merge over every service); exports stop there. */
export const FAILURES_MAX_ROWS = 5000;

export const fetchFailures = (s: FailuresSearch, limit = FAILURES_LIMIT, offset = s.offset ?? 0) =>
  api<Page<WorkItemView>>('GET', '/failures', { query: { connectionId: s.connectionId, flow: s.flow, reasonCode: s.reasonCode, status: s.status, q: s.q, limit, offset } });
export const fetchFailureGroups = (s: Pick<FailuresSearch, 'connectionId' | 'flow'>) => api<{ groups: FailureGroup[]; partial?: string[] }>('GET', '/failures/groups', { query: { connectionId: s.connectionId, flow: s.flow } });
export const fetchFailureItem = (ref: string) => api<WorkItemDetail>('GET', '/failures/item', { query: { ref } });
export const retryRefs = (refs: string[]) => api<RetryResult>('POST', '/failures/retry', { body: { refs } });
export const retryFilter = (filter: RetryFilter) => api<RetryResult>('POST', '/failures/retry', { body: { filter } });

/** The filter a "retry everything that matches" sends: the list's filter minus paging and status. */
export function retryFilterOf(s: FailuresSearch): RetryFilter {
  const f: RetryFilter = {};
  if (s.connectionId) f.connectionId = s.connectionId;
  if (s.flow) f.flow = s.flow;
  if (s.reasonCode) f.reasonCode = s.reasonCode;
  if (s.q) f.q = s.q;
  return f;
}
