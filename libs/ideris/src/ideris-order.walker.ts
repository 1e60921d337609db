import { IderisApiError } from './ideris-api.error';
import type { IderisOrder, IderisOrderPage, IderisOrderSearch } from './ideris-order.models';

/** The server's silent page cap: asking for more still returns 50, so windows are never larger. */
export const IDERIS_MAX_WINDOW = 50;

export interface IderisUnreadableRange {
  offset: number;
  limit: number;
  reason: 'server-error' | 'early-404';
  detail?: string;
}

export interface IderisOrderWalk {
  total: number;
  orders: IderisOrder[];
  /** Windows that could not be read even one record at a time — surfaced, never retried in a loop. */
  unreadable: IderisUnreadableRange[];
}

type PageReader = (search: IderisOrderSearch) => Promise<IderisOrderPage>;

/**
 * Reads every order of a search. Offsets advance by the window asked for (not by rows received),
 * so a short page cannot cause skips or repeats. A window answering 500 (one corrupt record) or an
 * early 404 (before `total`) is split in halves down to single records; what still fails is
 * reported in `unreadable`. Rate limits and auth errors propagate.
 */
export async function walkIderisOrders(readPage: PageReader, search: Omit<IderisOrderSearch, 'limit' | 'offset'> = {}): Promise<IderisOrderWalk> {
  const seen = new Map<number, IderisOrder>();
  const unreadable: IderisUnreadableRange[] = [];
  let total: number | undefined;

  const readRange = async (offset: number, limit: number): Promise<void> => {
    try {
      const page = await readPage({ ...search, offset, limit });
      total = page.total;
      for (const order of page.orders) seen.set(order.id, order);
    } catch (error: unknown) {
      const failure = classify(error, offset, total);
      if (!failure) throw error;
      if (failure === 'end') return;
      if (limit === 1) {
        unreadable.push({ offset, limit, reason: failure, detail: error instanceof IderisApiError ? error.detail : undefined });
        return;
      }
      const half = Math.ceil(limit / 2);
      await readRange(offset, half);
      await readRange(offset + half, limit - half);
    }
  };

  for (let offset = 0; total === undefined || offset < total; offset += IDERIS_MAX_WINDOW) {
    await readRange(offset, IDERIS_MAX_WINDOW);
    if (total === undefined) break;
  }
  return { total: total ?? 0, orders: [...seen.values()], unreadable: mergeRanges(unreadable) };
}

function classify(error: unknown, offset: number, total: number | undefined): 'server-error' | 'early-404' | 'end' | undefined {
  if (!(error instanceof IderisApiError)) return undefined;
  if (error.httpStatus === 500) return 'server-error';
  if (error.kind !== 'not-found') return undefined;
  // A 404 at or after the end (or on an empty search) just means "no rows".
  return total !== undefined && offset < total ? 'early-404' : 'end';
}

function mergeRanges(ranges: IderisUnreadableRange[]): IderisUnreadableRange[] {
  const merged: IderisUnreadableRange[] = [];
  for (const range of [...ranges].sort((a, b) => a.offset - b.offset)) {
    const last = merged[merged.length - 1];
    if (last && last.reason === range.reason && last.offset + last.limit === range.offset) last.limit += range.limit;
    else merged.push({ ...range });
  }
  return merged;
}
