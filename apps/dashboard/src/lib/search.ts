/**
 * The URL search parameters of each list: parsed from whatever is in the address bar (unknown or malformed
 * values dropped), so a shared link or a reload shows the same filtered page.
 */
type Raw = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined);
const int = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
};
const oneOf = <T extends string>(values: readonly T[], v: unknown): T | undefined => (typeof v === 'string' && (values as readonly string[]).includes(v) ? (v as T) : undefined);
const isoDate = (v: unknown): string | undefined => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

/** Drops undefined keys so the URL carries only the filters in use. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '' && v !== 0)) as T;
}

export interface OverviewSearch {
  situation?: 'not_installed' | 'not_configured' | 'active' | 'inactive';
  health?: 'ok' | 'late' | 'failing' | 'inactive' | 'not_set_up';
  q?: string;
  offset?: number;
}
export const parseOverviewSearch = (s: Raw): OverviewSearch =>
  compact({
    situation: oneOf(['not_installed', 'not_configured', 'active', 'inactive'] as const, s.situation),
    health: oneOf(['ok', 'late', 'failing', 'inactive', 'not_set_up'] as const, s.health),
    q: str(s.q),
    offset: int(s.offset),
  });

export interface FailuresSearch {
  connectionId?: string;
  flow?: string;
  reasonCode?: string;
  status?: string;
  q?: string;
  offset?: number;
}
export const parseFailuresSearch = (s: Raw): FailuresSearch =>
  compact({
    connectionId: str(s.connectionId),
    flow: oneOf(['orders', 'stock', 'prices', 'products', 'invoices', 'tracking', 'status', 'messages'] as const, s.flow),
    reasonCode: str(s.reasonCode),
    status: oneOf(['queued', 'running', 'waiting', 'succeeded', 'gave_up'] as const, s.status),
    q: str(s.q),
    offset: int(s.offset),
  });

export interface OrdersSearch {
  connectionId?: string;
  state?: string;
  marketplace?: string;
  from?: string;
  to?: string;
  offset?: number;
}
export const parseOrdersSearch = (s: Raw): OrdersSearch =>
  compact({
    connectionId: str(s.connectionId),
    state: oneOf(['discovered', 'imported', 'needs_mapping', 'invalid', 'cancelled_before_import', 'refused', 'skipped'] as const, s.state),
    marketplace: str(s.marketplace),
    from: isoDate(s.from),
    to: isoDate(s.to),
    offset: int(s.offset),
  });

export interface ConnectionSearch {
  connectionId?: string;
}
export const parseConnectionSearch = (s: Raw): ConnectionSearch => compact({ connectionId: str(s.connectionId) });

export interface ItemSearch {
  ref?: string;
}
export const parseItemSearch = (s: Raw): ItemSearch => compact({ ref: str(s.ref) });

export interface QSearch {
  q?: string;
}
export const parseQSearch = (s: Raw): QSearch => compact({ q: str(s.q) });

export interface ParkedSearch {
  service?: string;
}
export const parseParkedSearch = (s: Raw): ParkedSearch => compact({ service: oneOf(['orders', 'catalog', 'fiscal-shipping', 'status-sync', 'gateway'] as const, s.service) });

export interface FiscalSearch {
  connectionId?: string;
  order?: number;
}
export const parseFiscalSearch = (s: Raw): FiscalSearch => compact({ connectionId: str(s.connectionId), order: int(s.order) });
