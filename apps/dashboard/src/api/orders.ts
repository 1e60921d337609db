import { api, client, unwrap } from './client';
import type { operations } from './openapi';
import type { OrderDetail, OrdersList, TinyProduct } from './views';

export const ORDERS_LIMIT = 50;
const base = (c: string) => `/connections/${c}`;

/**
 * The orders list's filter, applied by the server (the page's URL holds it too): the state, the marketplace (any
 * case) and a range of days (YYYY-MM-DD, inclusive, Brasília time) of the order's marketplace date.
 */
export interface OrdersFilter {
  state?: string;
  marketplace?: string;
  from?: string;
  to?: string;
}
type ListQuery = NonNullable<operations['OrdersController_list']['parameters']['query']>;

export const fetchOrders = (connectionId: string, filter: OrdersFilter, limit = ORDERS_LIMIT, offset = 0) =>
  unwrap<OrdersList>(
    client.GET('/api/v1/connections/{connectionId}/orders', {
      params: { path: { connectionId }, query: { state: filter.state as ListQuery['state'], marketplace: filter.marketplace, from: filter.from, to: filter.to, limit, offset } },
    }),
  );
export const fetchOrder = (connectionId: string, iderisOrderId: number) => api<OrderDetail>('GET', `${base(connectionId)}/orders/${iderisOrderId}`);
export const reprocessOrder = (connectionId: string, iderisOrderId: number) => api<{ requeued: number }>('POST', `${base(connectionId)}/orders/${iderisOrderId}/reprocess`);
/** Every parked order under the list's marketplace and day filter (the count the page shows is the count queued). */
export const reprocessParked = (connectionId: string, filter: Omit<OrdersFilter, 'state'> = {}) =>
  unwrap<{ requeued: number }>(
    client.POST('/api/v1/connections/{connectionId}/orders/reprocess-parked', {
      params: { path: { connectionId }, query: { marketplace: filter.marketplace, from: filter.from, to: filter.to } },
    }),
  );
export const postStock = (connectionId: string, iderisOrderId: number) => api<{ posted: boolean; reason?: string }>('POST', `${base(connectionId)}/orders/${iderisOrderId}/post-stock`);
export const searchTinyProducts = (connectionId: string, q: string) => api<{ items: TinyProduct[] }>('GET', `${base(connectionId)}/tiny-products`, { query: { q } });
/**
 * An order parks for a value only when its item has no SKU (a SKU passes through to Tiny as the product code), so
 * the value named is the listing code: the de-para is of kind `listing`.
 */
export const putListingMapping = (connectionId: string, listingCode: string, tinyProductCode: string) =>
  api<{ mapping: unknown; requeued: number }>('PUT', `${base(connectionId)}/sku-mappings/listing/${encodeURIComponent(listingCode)}`, { body: { tinyProductCode } });
