import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  describeValidationErrors,
  OrderFilter,
  RpcSubjects,
  type MarketplaceAccountListQuery,
  type MarketplaceAccountPut,
  type OrderListQuery,
  type OrderReprocessParkedCommand,
  type RpcFailure,
} from '@hub/contracts';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource } from 'typeorm';
import { OrderImportService } from '../import/order-import.service';
import { OrderSyncRepository, type OrderSyncRow } from '../import/order-sync.repository';
import { MarketplaceSelectionService } from '../marketplaces/marketplace-selection.service';
import { SkuMappingService, type MappingKind } from '../sku-mapping/sku-mapping.service';
import { orderWhere } from './order-filter';
import { OrderRequeue } from './order-requeue';

const PARKED_STATES = ['needs_mapping', 'invalid', 'refused'];

export function toOrderView(row: OrderSyncRow) {
  return {
    iderisOrderId: Number(row.ideris_order_id),
    marketplace: row.marketplace,
    marketplaceOrderCode: row.marketplace_order_code,
    state: row.state,
    workStatus: row.work_status,
    reason: row.reason,
    reasonCode: row.reason_code ?? null,
    iderisAccountId: row.ideris_account_id !== null && row.ideris_account_id !== undefined ? Number(row.ideris_account_id) : null,
    unknownSkus: row.unknown_skus,
    attempts: row.attempts,
    tinyOrderId: row.tiny_order_id,
    tinyOrderNumber: row.tiny_order_number,
    /** The marketplace's date of the order (Ideris's payment approval); the day filter falls back to discoveredAt without it. */
    approvedAt: row.visible_at ? new Date(row.visible_at).toISOString() : null,
    discoveredAt: new Date(row.discovered_at).toISOString(),
    importedAt: row.imported_at ? new Date(row.imported_at).toISOString() : null,
    stockPostedAt: row.stock_posted_at ? new Date(row.stock_posted_at).toISOString() : null,
    /** Queued behind its connection's other imports (ADR 0031): since when it waits for a turn, else null. */
    waitingForTurnSince: row.state === 'discovered' && row.deferred_at ? new Date(row.deferred_at).toISOString() : null,
  };
}

function fail(status: RpcFailure['error']['status'], message: string): RpcFailure {
  return { error: { status, message } };
}

/** The marketplace and day filter of a list or bulk command, validated as the gateway does (a caller may skip it). */
async function readFilter(q: OrderFilter): Promise<OrderFilter | RpcFailure> {
  const filter = plainToInstance(OrderFilter, { marketplace: q.marketplace, from: q.from, to: q.to });
  const problems = describeValidationErrors(await validate(filter));
  return problems.length ? fail(400, problems.join('; ')) : filter;
}

/** The orders admin queries and commands, over NATS request/reply; the gateway exposes them as REST. */
@Controller()
export class OrdersAdminController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrderSyncRepository,
    private readonly importer: OrderImportService,
    private readonly skuMappings: SkuMappingService,
    private readonly requeuer: OrderRequeue,
    private readonly marketplaces: MarketplaceSelectionService,
  ) {}

  @MessagePattern(RpcSubjects.marketplaceAccountList)
  async marketplaceList(@Payload() q: MarketplaceAccountListQuery) {
    return (await this.marketplaces.list(q.connectionId)) ?? fail(404, 'no such connection');
  }

  @MessagePattern(RpcSubjects.marketplaceAccountPut)
  async marketplacePut(@Payload() q: MarketplaceAccountPut) {
    const chosen = await this.marketplaces.choose(q.connectionId, q.accountId, q.enabled, q.tinyIntegrationId);
    return chosen ? { ...chosen.item, requeued: chosen.requeued } : fail(404, `no marketplace account ${q.accountId} for this connection (list the accounts first)`);
  }

  /** Newest first, with the counts per state under the same marketplace and day filter (not the state's). */
  @MessagePattern(RpcSubjects.ordersList)
  async list(@Payload() q: OrderListQuery) {
    const filter = await readFilter(q);
    if ('error' in filter) return filter;
    const where = orderWhere(q.connectionId, { ...filter, state: q.state, workStatus: q.workStatus });
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM order_sync WHERE ${where.sql}`, where.params)) as [{ n: number }];
    const page = where.params.length;
    const rows: OrderSyncRow[] = await this.dataSource.query(
      `SELECT * FROM order_sync WHERE ${where.sql} ORDER BY discovered_at DESC, ideris_order_id DESC LIMIT $${page + 1} OFFSET $${page + 2}`,
      [...where.params, Math.min(q.limit ?? 50, 500), q.offset ?? 0],
    );
    const byState = orderWhere(q.connectionId, filter);
    const counts: { state: string; work_status: string; n: number }[] = await this.dataSource.query(
      `SELECT state, work_status, count(*)::int AS n FROM order_sync WHERE ${byState.sql} GROUP BY state, work_status ORDER BY state, work_status`,
      byState.params,
    );
    return { total: n, counts, orders: rows.map(toOrderView) };
  }

  @MessagePattern(RpcSubjects.ordersGet)
  async get(@Payload() q: { connectionId: string; iderisOrderId: number }) {
    const row = await this.orders.find(q.connectionId, q.iderisOrderId);
    if (!row) return fail(404, `no order ${q.iderisOrderId} for this connection`);
    const history: { at: Date; kind: string; detail: object }[] = await this.dataSource.query('SELECT at, kind, detail FROM order_history WHERE order_sync_id = $1 ORDER BY id', [row.id]);
    return { ...toOrderView(row), history: history.map((h) => ({ at: new Date(h.at).toISOString(), kind: h.kind, detail: h.detail })) };
  }

  @MessagePattern(RpcSubjects.ordersReprocess)
  async reprocess(@Payload() q: { connectionId: string; iderisOrderId: number }) {
    const row = await this.orders.find(q.connectionId, q.iderisOrderId);
    if (!row) return fail(404, `no order ${q.iderisOrderId} for this connection`);
    if (row.state === 'imported') return fail(409, `order ${q.iderisOrderId} is already in Tiny (${row.tiny_order_id})`);
    if (row.state === 'skipped') return fail(409, `order ${q.iderisOrderId} was skipped: ${row.reason ?? 'its marketplace account is not selected'}; turn the account on to import it`);
    if ((await this.requeuer.requeue([row], 'operator')).length === 0) {
      return fail(409, `order ${q.iderisOrderId} already has an import job ${row.work_status === 'running' ? 'running' : 'queued'}${row.reason ? ` (last attempt: ${row.reason})` : ''}; it is tried again by itself`);
    }
    return { requeued: 1 };
  }

  /** Every parked order (and every one whose worker gave up) under the list's marketplace and day filter. */
  @MessagePattern(RpcSubjects.ordersReprocessParked)
  async reprocessParked(@Payload() q: OrderReprocessParkedCommand) {
    const states = q.state ? [q.state] : PARKED_STATES;
    if (states.some((s) => !PARKED_STATES.includes(s) && s !== 'discovered')) return fail(400, `state must be one of ${PARKED_STATES.join(', ')}, discovered`);
    const filter = await readFilter(q);
    if ('error' in filter) return filter;
    const where = orderWhere(q.connectionId, filter);
    const rows: OrderSyncRow[] = await this.dataSource.query(
      `SELECT * FROM order_sync WHERE ${where.sql} AND (state = ANY($${where.params.length + 1}::text[]) OR (work_status = 'gave_up' AND state <> 'imported'))`,
      [...where.params, states],
    );
    return { requeued: (await this.requeuer.requeue(rows, 'operator-bulk')).length };
  }

  @MessagePattern(RpcSubjects.ordersPostStock)
  async postStock(@Payload() q: { connectionId: string; iderisOrderId: number }) {
    const result = await this.importer.postStock(q.connectionId, q.iderisOrderId);
    return result.posted ? result : fail(409, result.reason ?? 'not posted');
  }

  @MessagePattern(RpcSubjects.skuMappingList)
  skuList(@Payload() q: { connectionId: string }) {
    return this.skuMappings.list(q.connectionId);
  }

  @MessagePattern(RpcSubjects.skuMappingPut)
  async skuPut(@Payload() q: { connectionId: string; kind: MappingKind; marketplaceValue: string; tinyProductCode: string }) {
    if (!['sku', 'listing'].includes(q.kind)) return fail(400, 'kind must be sku or listing');
    return this.skuMappings.put(q.connectionId, { kind: q.kind, marketplaceValue: q.marketplaceValue, tinyProductCode: q.tinyProductCode });
  }

  @MessagePattern(RpcSubjects.skuMappingDelete)
  async skuDelete(@Payload() q: { connectionId: string; kind: MappingKind; marketplaceValue: string }) {
    return (await this.skuMappings.remove(q.connectionId, q.kind, q.marketplaceValue)) ? { deleted: true } : fail(404, 'no such mapping');
  }

  @MessagePattern(RpcSubjects.pollState)
  async pollState(@Payload() q: { connectionId: string }) {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      'SELECT watermark, interval_ms, next_poll_at, last_poll_at, last_sweep_at, last_found, polls, lease_holder, lease_until, problems FROM poll_state WHERE connection_id = $1',
      [q.connectionId],
    );
    return rows[0] ?? fail(404, 'this connection has not been polled yet');
  }
}
