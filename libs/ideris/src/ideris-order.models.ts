/** Our reading of the v3 order fields (names from public v3 clients; types inferred). Unknown fields stay in `raw`. */
export interface IderisOrderItem {
  /** Can be null on real orders; consumers need a fallback match. */
  sku: string | null;
  title?: string;
  quantity?: number;
  price?: number;
}

export interface IderisOrder {
  id: number;
  code?: string;
  marketplaceName?: string;
  authenticationId?: number;
  statusId?: number;
  statusDescription?: string;
  approved?: Date;
  customerEmail?: string;
  items: IderisOrderItem[];
  raw: Record<string, unknown>;
}

export interface IderisMarketplaceAccount {
  id: number;
  name?: string;
  marketplaceName?: string;
}

export interface IderisOrderSearch {
  startDate?: Date;
  endDate?: Date;
  statusIds?: number[];
  authenticationId?: number;
  /** The marketplace's order code (`code` on the order). */
  orderCode?: string;
  /** The pack/cart id (`packId` on the order): every order bought together. */
  orderPackId?: string;
  limit?: number;
  offset?: number;
  sort?: 'asc' | 'desc';
}

export interface IderisOrderPage {
  total: number;
  orders: IderisOrder[];
}

export function mapIderisOrder(value: unknown): IderisOrder | undefined {
  if (!isRecord(value)) return undefined;
  const id = num(value['id']);
  if (id === undefined) return undefined;
  const approved = typeof value['approved'] === 'string' ? new Date(value['approved']) : undefined;
  return {
    id,
    code: text(value['code']),
    marketplaceName: text(value['marketplaceName']),
    authenticationId: num(value['authenticationId']),
    statusId: num(value['statusId']),
    statusDescription: text(value['statusDescription']),
    approved: approved && !Number.isNaN(approved.getTime()) ? approved : undefined,
    customerEmail: text(value['customerEmail']),
    items: (Array.isArray(value['items']) ? value['items'] : []).filter(isRecord).map((item) => ({
      sku: text(item['sku']) ?? null,
      title: text(item['title']),
      quantity: num(item['quantity']),
      price: num(item['price']),
    })),
    raw: value,
  };
}

/** Marketplace accounts show their label as `name` or `descricao` depending on the client that saw them. */
export function mapIderisMarketplaceAccount(value: unknown): IderisMarketplaceAccount | undefined {
  if (!isRecord(value)) return undefined;
  const id = num(value['id']);
  if (id === undefined) return undefined;
  return { id, name: text(value['name']) ?? text(value['descricao']), marketplaceName: text(value['marketplaceName']) };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
