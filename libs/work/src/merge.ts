import type { WorkItemView } from '@hub/contracts';

/** The inbox order: newest change first, then by ref, so pages are stable across services. */
export function compareItems(a: WorkItemView, b: WorkItemView): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1;
  return a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0;
}

/**
 * One page over several sorted lists: each source answered its first `offset + limit` items (already sorted) and
 * its total; the page is the merge's `[offset, offset + limit)` and the total the sum.
 */
export function mergePages(pages: { total: number; items: WorkItemView[] }[], offset: number, limit: number): { total: number; items: WorkItemView[] } {
  const merged = pages.flatMap((p) => p.items).sort(compareItems);
  return { total: pages.reduce((sum, p) => sum + p.total, 0), items: merged.slice(offset, offset + limit) };
}
