import type { IderisOrder } from './ideris-data.store';
import { IderisHttpError } from './ideris-http.error';

/** Ideris caps pages at 50 whatever `limit` asks for, and says nothing about it. */
export const IDERIS_PAGE_CAP = 50;

export interface IderisOrderQuery {
  startDate?: string;
  endDate?: string;
  statusIds: number[];
  authenticationId?: number;
  orderCode?: string;
  orderPackId?: string;
  limit: number;
  offset: number;
  descending: boolean;
}

export function parseOrderQuery(query: Record<string, unknown>): IderisOrderQuery {
  return {
    startDate: firstString(query['startDate']),
    endDate: firstString(query['endDate']),
    statusIds: allStrings(query['statusId']).map(Number).filter(Number.isFinite),
    authenticationId: optionalNumber(firstString(query['authenticationId'])),
    orderCode: firstString(query['orderCode']),
    orderPackId: firstString(query['orderPackId']),
    limit: optionalNumber(firstString(query['limit'])) ?? IDERIS_PAGE_CAP,
    offset: optionalNumber(firstString(query['offset'])) ?? 0,
    descending: firstString(query['sort'])?.toLowerCase() === 'desc',
  };
}

/**
 * `undefined` means "no order matches": Ideris answers that with 204 and no body (docs/contracts.md#ideris-order-search).
 * A window past the end of a non-empty result is a 404, as a production bot saw.
 */
export function searchOrders(orders: IderisOrder[], query: IderisOrderQuery): { total: number; obj: IderisOrder[] } | undefined {
  const from = query.startDate ? parseDateParam(query.startDate, 'startDate', false) : undefined;
  const to = query.endDate ? parseDateParam(query.endDate, 'endDate', true) : undefined;
  const matching = orders
    .filter((order) => {
      const approvedAt = Date.parse(order.approved);
      if (from !== undefined && approvedAt < from) return false;
      if (to !== undefined && approvedAt > to) return false;
      if (query.statusIds.length > 0 && !query.statusIds.includes(order.statusId)) return false;
      if (query.orderCode !== undefined && order.code !== query.orderCode) return false;
      if (query.orderPackId !== undefined && order.packId !== query.orderPackId) return false;
      return query.authenticationId === undefined || order.authenticationId === query.authenticationId;
    })
    .sort((a, b) => (Date.parse(a.approved) - Date.parse(b.approved)) * (query.descending ? -1 : 1));
  if (matching.length === 0) return undefined;
  const page = matching.slice(query.offset, query.offset + Math.min(Math.max(query.limit, 1), IDERIS_PAGE_CAP));
  // ASSUMPTION (docs/contracts.md#ideris-order-search): the body text of the past-the-end 404 is ours.
  if (page.length === 0) throw new IderisHttpError(404, { Message: 'Nenhum pedido encontrado.' });
  return { total: matching.length, obj: page };
}

/** A .NET back end binds `yyyy-MM-dd`, full ISO-8601 and `MM/dd/yyyy` alike. */
function parseDateParam(value: string, name: string, endOfDay: boolean): number {
  const usDate = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  const normalised = usDate ? `${usDate[3]}-${usDate[1]}-${usDate[2]}` : value;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(normalised);
  // ASSUMPTION (docs/contracts.md#ideris-order-search): date-only bounds are Brasília days.
  const parsed = Date.parse(dateOnly ? `${normalised}T${endOfDay ? '23:59:59.999' : '00:00:00'}-03:00` : normalised);
  if (Number.isNaN(parsed)) throw new IderisHttpError(400, { Message: `The value '${value}' is not valid for ${name}.` });
  return parsed;
}

function firstString(value: unknown): string | undefined {
  return allStrings(value)[0];
}

function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

function optionalNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}
