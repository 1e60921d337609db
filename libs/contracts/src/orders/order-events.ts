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

/** What `@IsUUID()` accepts (validator's `all`). */
const UUID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/i;

/**
 * The decorators of `OrderImportRequestedV1` as one plain function (the same rules, a fraction of class-validator's
 * cost per message, for the import consumer's hot path): the reasons it is invalid, none when valid.
 */
export function orderImportRequestedProblems(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return ['payload must be an object'];
  const p = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof p.connectionId !== 'string' || !UUID.test(p.connectionId)) problems.push('connectionId must be a UUID');
  if (typeof p.iderisOrderId !== 'number' || !Number.isInteger(p.iderisOrderId)) problems.push('iderisOrderId must be an integer number');
  if (typeof p.trigger !== 'string') problems.push('trigger must be a string');
  return problems;
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
