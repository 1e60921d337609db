import type { ServiceName } from '../messaging/consumers';

/**
 * Core NATS request/reply subjects (Nest's NATS transport). Kept under `rpc.` so no JetStream stream
 * ever captures them. Only for queries and commands the caller can safely repeat.
 */
export const RpcSubjects = {
  parkedList: (service: ServiceName) => `rpc.${service}.parked-message.list.v1`,
  parkedRedrive: (service: ServiceName) => `rpc.${service}.parked-message.redrive.v1`,
  ordersList: 'rpc.orders.order.list.v1',
  ordersGet: 'rpc.orders.order.get.v1',
  ordersReprocess: 'rpc.orders.order.reprocess.v1',
  ordersReprocessParked: 'rpc.orders.order.reprocess-parked.v1',
  ordersPostStock: 'rpc.orders.order.post-stock.v1',
  skuMappingList: 'rpc.orders.sku-mapping.list.v1',
  skuMappingPut: 'rpc.orders.sku-mapping.put.v1',
  skuMappingDelete: 'rpc.orders.sku-mapping.delete.v1',
  pollState: 'rpc.orders.poll-state.get.v1',
  marketplaceAccountList: 'rpc.orders.marketplace-account.list.v1',
  marketplaceAccountPut: 'rpc.orders.marketplace-account.put.v1',
  fiscalOrderGet: 'rpc.fiscal-shipping.order.get.v1',
  fiscalSendTracking: 'rpc.fiscal-shipping.order.send-tracking.v1',
  fiscalResendInvoice: 'rpc.fiscal-shipping.order.resend-invoice.v1',
  statusMapGet: 'rpc.status-sync.status-map.get.v1',
  statusMapPut: 'rpc.status-sync.status-map.put.v1',
  statusOrdersList: 'rpc.status-sync.order.list.v1',
  statusOrderGet: 'rpc.status-sync.order.get.v1',
  statusOrderResolve: 'rpc.status-sync.order.resolve.v1',
} as const;

/** An error a service answers over RPC, mapped to an HTTP status by the gateway. */
export interface RpcFailure {
  error: { status: 400 | 404 | 409 | 422; message: string };
}

export interface ParkedMessageListQuery {
  consumer?: string;
  limit?: number;
  includeRedriven?: boolean;
}

export interface ParkedMessageView {
  id: string;
  consumer: string;
  stream: string;
  subject: string;
  streamSequence: number;
  messageId: string;
  connectionId: string | null;
  correlationId: string | null;
  headers: Record<string, string[]>;
  data: string;
  error: string;
  errorKind: string;
  attempts: number;
  parkedAt: string;
  redrivenAt: string | null;
  redriveCount: number;
}

export interface RedriveCommand {
  id: string;
}

export interface RedriveResult {
  id: string;
  redriven: boolean;
  reason?: string;
}
