import { api } from './client';
import type { OrderDetail, OrdersList, TinyProduct } from './views';

export const ORDERS_LIMIT = 50;
const base = (c: string) => `/connections/${c}`;

export const fetchOrders = (connectionId: string, state: string | undefined, limit = ORDERS_LIMIT, offset = 0) =>
  api<OrdersList>('GET', `${base(connectionId)}/orders`, { query: { state, limit, offset } });
export const fetchOrder = (connectionId: string, iderisOrderId: number) => api<OrderDetail>('GET', `${base(connectionId)}/orders/${iderisOrderId}`);
export const reprocessOrder = (connectionId: string, iderisOrderId: number) => api<{ requeued: number }>('POST', `${base(connectionId)}/orders/${iderisOrderId}/reprocess`);
export const reprocessParked = (connectionId: string, state?: string) => api<{ requeued: number }>('POST', `${base(connectionId)}/orders/reprocess-parked`, { query: { state } });
export const postStock = (connectionId: string, iderisOrderId: number) => api<{ posted: boolean; reason?: string }>('POST', `${base(connectionId)}/orders/${iderisOrderId}/post-stock`);
export const searchTinyProducts = (connectionId: string, q: string) => api<{ items: TinyProduct[] }>('GET', `${base(connectionId)}/tiny-products`, { query: { q } });
/**
 * An order parks for a value only when its item has no SKU (a SKU passes through to Tiny as the product code), so
 * the value named is the listing code: the de-para is of kind `listing`.
 */
export const putListingMapping = (connectionId: string, listingCode: string, tinyProductCode: string) =>
  api<{ mapping: unknown; requeued: number }>('PUT', `${base(connectionId)}/sku-mappings/listing/${encodeURIComponent(listingCode)}`, { body: { tinyProductCode } });
