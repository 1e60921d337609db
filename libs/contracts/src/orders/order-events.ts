import { IsArray, IsInt, IsOptional, IsString, IsUUID } from 'class-validator';
import { defineEvent } from '../messaging/definitions';

/** A durable job: import one Ideris order of one connection into Tiny. Published once per discovery (deduplicated). */
export class OrderImportRequestedV1 {
  @IsUUID()
  connectionId: string;

  @IsInt()
  iderisOrderId: number;

  /** Why it was queued: discovery, a re-drive after a SKU mapping, an operator's reprocess. */
  @IsString()
  trigger: string;
}

export class OrderImportedV1 {
  @IsUUID() connectionId: string;
  @IsInt() iderisOrderId: number;
  @IsString() tinyOrderId: string;
  @IsOptional() @IsString() tinyOrderNumber?: string;
  @IsOptional() @IsString() marketplace?: string;
  @IsOptional() @IsString() marketplaceOrderCode?: string;
  /** The Tiny product codes of the order, so catalog can re-read their stock. */
  @IsArray() @IsString({ each: true }) skus: string[];
}

export class OrderParkedV1 {
  @IsUUID() connectionId: string;
  @IsInt() iderisOrderId: number;
  @IsString() reason: string;
  @IsArray() @IsString({ each: true }) unknownSkus: string[];
}

export const OrderEvents = {
  importRequested: defineEvent('orders.import-job.requested.v1', OrderImportRequestedV1),
  imported: defineEvent('orders.order.imported.v1', OrderImportedV1),
  parked: defineEvent('orders.order.parked.v1', OrderParkedV1),
} as const;
