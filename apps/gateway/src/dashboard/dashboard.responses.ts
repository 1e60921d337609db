import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FLOWS, WORK_STATUSES, WORKER_SERVICES } from '@hub/contracts';

/** Response shapes of the dashboard's routes, for the OpenAPI document (the panel's client types come from it). */
const FLOW_STATES = ['ok', 'late', 'failing', 'idle', 'off', 'unknown'] as const;
const HEALTHS = ['ok', 'late', 'failing', 'inactive', 'not_set_up'] as const;
const partial = { enum: WORKER_SERVICES, isArray: true, description: 'Services that did not answer in time; the answer is given without them' } as const;

export class PollerHealth {
  @ApiProperty({ type: String, nullable: true }) lastSuccessAt: string | null;
  @ApiProperty({ type: String, nullable: true }) lastFailureAt: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
}

export class FlowFreshness {
  @ApiProperty({ enum: FLOW_STATES }) state: string;
  @ApiProperty({ type: String, nullable: true, description: "The items' last success (last order imported, stock push, invoice sent…)" }) lastSuccessAt: string | null;
  @ApiProperty({ type: String, nullable: true }) lastAttemptAt: string | null;
  @ApiProperty({ type: String, nullable: true }) lastFailureAt: string | null;
  @ApiProperty() expectedEverySeconds: number;
  @ApiProperty() failures: number;
  @ApiProperty() pending: number;
  @ApiProperty({ type: String, nullable: true }) oldestPendingAt: string | null;
  @ApiPropertyOptional({ type: PollerHealth, description: 'For the flows driven by a poller (orders, status)' }) poller?: PollerHealth;
}

export class FlowsFreshness {
  @ApiProperty({ type: FlowFreshness }) orders: FlowFreshness;
  @ApiProperty({ type: FlowFreshness }) stock: FlowFreshness;
  @ApiProperty({ type: FlowFreshness }) prices: FlowFreshness;
  @ApiProperty({ type: FlowFreshness }) products: FlowFreshness;
  @ApiProperty({ type: FlowFreshness }) invoices: FlowFreshness;
  @ApiProperty({ type: FlowFreshness }) tracking: FlowFreshness;
  @ApiProperty({ type: FlowFreshness }) status: FlowFreshness;
  @ApiProperty({ type: FlowFreshness }) messages: FlowFreshness;
}

export class OverviewItem {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) cnpj: string | null;
  @ApiProperty({ enum: ['not_installed', 'not_configured', 'active', 'inactive'] }) situation: string;
  @ApiProperty({ enum: HEALTHS }) health: string;
  @ApiProperty({ type: FlowsFreshness }) flows: FlowsFreshness;
}

export class HealthCounts {
  @ApiProperty() ok: number;
  @ApiProperty() late: number;
  @ApiProperty() failing: number;
  @ApiProperty() inactive: number;
  @ApiProperty() not_set_up: number;
}

export class OverviewAnswer {
  @ApiProperty() total: number;
  @ApiProperty({ type: HealthCounts }) counts: HealthCounts;
  @ApiProperty() generatedAt: string;
  @ApiProperty(partial) partial: string[];
  @ApiProperty({ type: [OverviewItem] }) items: OverviewItem[];
}

export class WorkRefsView {
  @ApiPropertyOptional() iderisOrderId?: string;
  @ApiPropertyOptional() marketplaceOrderCode?: string;
  @ApiPropertyOptional() tinyOrderId?: string;
  @ApiPropertyOptional() tinyOrderNumber?: string;
  @ApiPropertyOptional() nfeKey?: string;
  @ApiPropertyOptional() sku?: string;
  @ApiPropertyOptional() messageId?: string;
}

export class WorkItem {
  @ApiProperty({ description: 'Opaque, URL-safe: pass it to /failures/item and /failures/retry' }) ref: string;
  @ApiProperty({ enum: FLOWS }) flow: string;
  @ApiProperty({ type: String, nullable: true }) connectionId: string | null;
  @ApiProperty({ type: String, nullable: true }) connectionName: string | null;
  @ApiProperty() key: string;
  @ApiProperty({ enum: WORK_STATUSES }) status: string;
  @ApiProperty({ description: 'Business outcome (needs_mapping, refused_by_tiny, waiting, sent, …)' }) outcome: string;
  @ApiProperty({ description: 'Stable snake_case code (docs/reason-codes.md)' }) reasonCode: string;
  @ApiProperty({ type: String, nullable: true }) reasonDetail: string | null;
  @ApiProperty() attempts: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ type: String, nullable: true }) nextCheckAt: string | null;
  @ApiProperty({ type: WorkRefsView }) refs: WorkRefsView;
  @ApiPropertyOptional({ enum: WORKER_SERVICES }) service?: string;
}

export class FailuresAnswer {
  @ApiProperty() total: number;
  @ApiProperty({ type: [WorkItem] }) items: WorkItem[];
  @ApiProperty(partial) partial: string[];
}

export class TimelineEntry {
  @ApiProperty() at: string;
  @ApiProperty() kind: string;
  @ApiProperty({ description: 'What the service journaled (secrets redacted)' }) detail: object;
  @ApiPropertyOptional({ description: "Tiny's or Ideris's answer, when there was one" }) answer?: object;
}

export class WorkItemDetailAnswer extends WorkItem {
  @ApiProperty({ type: [TimelineEntry] }) timeline: TimelineEntry[];
  @ApiPropertyOptional({ description: 'What was sent or read (redacted)' }) request?: object;
  @ApiPropertyOptional({ description: 'The last answer (redacted)' }) answer?: object;
}

export class FailureGroup {
  @ApiProperty({ type: String, nullable: true }) connectionId: string | null;
  @ApiProperty({ type: String, nullable: true }) connectionName: string | null;
  @ApiProperty({ enum: FLOWS }) flow: string;
  @ApiProperty() reasonCode: string;
  @ApiProperty() count: number;
  @ApiProperty() oldestAt: string;
  @ApiProperty({ type: String, nullable: true }) sampleDetail: string | null;
}

export class FailureGroupsAnswer {
  @ApiProperty({ type: [FailureGroup] }) groups: FailureGroup[];
  @ApiProperty(partial) partial: string[];
}

export class SkippedReasons {
  @ApiPropertyOptional() already_done?: number;
  @ApiPropertyOptional() running?: number;
  @ApiPropertyOptional() not_retryable?: number;
  @ApiPropertyOptional() not_found?: number;
}

export class RetryAnswer {
  @ApiProperty() matched: number;
  @ApiProperty() queued: number;
  @ApiProperty() skipped: number;
  @ApiProperty({ type: SkippedReasons }) skippedReasons: SkippedReasons;
  @ApiProperty(partial) partial: string[];
}

export class SearchRefs extends WorkRefsView {
  @ApiPropertyOptional({ description: "The item's ref (for /failures/item)" }) ref?: string;
}

export class SearchHit {
  @ApiProperty({ enum: ['connection', 'order', 'invoice', 'tracking', 'sku', 'product'] }) kind: string;
  @ApiProperty({ type: String, nullable: true }) connectionId: string | null;
  @ApiProperty({ type: String, nullable: true }) connectionName: string | null;
  @ApiProperty() label: string;
  @ApiPropertyOptional({ enum: FLOWS }) flow?: string;
  @ApiProperty({ type: SearchRefs }) refs: SearchRefs;
}

export class SearchAnswer {
  @ApiProperty({ type: [SearchHit] }) hits: SearchHit[];
  @ApiProperty(partial) partial: string[];
}

export class ActivityBucket {
  @ApiProperty() hour: string;
  @ApiProperty({ enum: FLOWS }) flow: string;
  @ApiProperty() processed: number;
  @ApiProperty() failed: number;
}

export class ActivityAnswer {
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ type: [ActivityBucket] }) buckets: ActivityBucket[];
  @ApiProperty(partial) partial: string[];
}

export class LaneCounts {
  @ApiProperty() realtime: number;
  @ApiProperty() normal: number;
  @ApiProperty() bulk: number;
}

export class Blocks {
  @ApiProperty() last24h: number;
  @ApiProperty({ type: String, nullable: true }) lastAt: string | null;
}

export class BudgetView {
  @ApiProperty({ type: Number, nullable: true, description: 'Null until the account made a call' }) limitPerMinute: number | null;
  @ApiProperty() usedLastMinute: number;
  @ApiProperty({ type: LaneCounts }) byLane: LaneCounts;
  @ApiProperty({ description: 'Lanes waiting for a slot right now, summed over processes' }) queued: number;
  @ApiProperty({ type: Blocks }) blocks: Blocks;
  @ApiProperty({ type: String, nullable: true }) pausedUntil: string | null;
}

export class BudgetMinute {
  @ApiProperty() minute: string;
  @ApiProperty() tiny: number;
  @ApiProperty() ideris: number;
}

export class BudgetAnswer {
  @ApiProperty({ type: BudgetView }) tiny: BudgetView;
  @ApiProperty({ type: BudgetView }) ideris: BudgetView;
  @ApiProperty({ type: [BudgetMinute], description: 'The last 60 minutes, oldest first' }) perMinute: BudgetMinute[];
}

export class TinyProduct {
  @ApiProperty() id: string;
  @ApiProperty({ type: String, nullable: true }) code: string | null;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) gtin: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'A active, I inactive' }) situation: string | null;
}

export class TinyProductsAnswer {
  @ApiProperty({ type: [TinyProduct] }) items: TinyProduct[];
}
