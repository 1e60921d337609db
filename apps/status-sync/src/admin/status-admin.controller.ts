import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { runInLane } from '@hub/budget';
import { ATTENTION_RESOLUTIONS, RpcSubjects, type AttentionResolution, type RpcFailure } from '@hub/contracts';
import { DataSource } from 'typeorm';
import { OrderStatusSyncService } from '../order-status/order-status-sync.service';
import { OrderStatusRepository, toOrderStatusView, type OrderStatusRow } from '../order-status/order-status.repository';
import { validateStatusMap } from '../status-map/status-map';
import { StatusMapService } from '../status-map/status-map.service';

function fail(status: RpcFailure['error']['status'], message: string): RpcFailure {
  return { error: { status, message } };
}

/** The status-sync admin queries and commands, over NATS request/reply; the gateway exposes them as REST. */
@Controller()
export class StatusAdminController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrderStatusRepository,
    private readonly maps: StatusMapService,
    private readonly sync: OrderStatusSyncService,
  ) {}

  @MessagePattern(RpcSubjects.statusMapGet)
  async getMap(@Payload() q: { connectionId: string }) {
    try {
      return await this.maps.get(q.connectionId);
    } catch (error) {
      return fail(409, (error as Error).message);
    }
  }

  @MessagePattern(RpcSubjects.statusMapPut)
  async putMap(@Payload() q: { connectionId: string; map: unknown }) {
    const checked = validateStatusMap(q.map);
    if (!checked.ok) return fail(400, checked.problems.join('; '));
    return this.maps.put(q.connectionId, checked.map);
  }

  @MessagePattern(RpcSubjects.statusOrdersList)
  async list(@Payload() q: { connectionId: string; needsAttention?: boolean; limit?: number; offset?: number }) {
    const where = `connection_id = $1 AND (NOT $2::boolean OR (attention_reason IS NOT NULL AND attention_resolved_at IS NULL))`;
    const params = [q.connectionId, q.needsAttention === true];
    const rows: OrderStatusRow[] = await this.dataSource.query(
      `SELECT * FROM order_status WHERE ${where} ORDER BY updated_at DESC, id DESC LIMIT $3 OFFSET $4`,
      [...params, Math.min(q.limit ?? 50, 500), q.offset ?? 0],
    );
    const [totals] = (await this.dataSource.query(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE attention_reason IS NOT NULL AND attention_resolved_at IS NULL)::int AS needs_attention
         FROM order_status WHERE connection_id = $1`,
      [q.connectionId],
    )) as [{ total: number; needs_attention: number }];
    const writes: { kind: string; n: number }[] = await this.dataSource.query(
      `SELECT e.kind, count(*)::int AS n FROM order_status_event e JOIN order_status o ON o.id = e.order_status_id
        WHERE o.connection_id = $1 AND e.kind IN ('wrote-tiny', 'wrote-ideris') GROUP BY e.kind`,
      [q.connectionId],
    );
    const count = (kind: string) => writes.find((w) => w.kind === kind)?.n ?? 0;
    return {
      total: totals.total,
      needsAttention: totals.needs_attention,
      writes: { tiny: count('wrote-tiny'), ideris: count('wrote-ideris') },
      orders: rows.map(toOrderStatusView),
    };
  }

  @MessagePattern(RpcSubjects.statusOrderGet)
  async get(@Payload() q: { connectionId: string; iderisOrderId: number }) {
    const row = await this.orders.findByIderis(q.connectionId, q.iderisOrderId);
    if (!row) return fail(404, `no imported order ${q.iderisOrderId} for this connection`);
    const events: { at: Date; kind: string; detail: object }[] = await this.dataSource.query('SELECT at, kind, detail FROM order_status_event WHERE order_status_id = $1 ORDER BY id', [row.id]);
    return { ...toOrderStatusView(row), history: events.map((e) => ({ at: new Date(e.at).toISOString(), kind: e.kind, detail: e.detail })) };
  }

  @MessagePattern(RpcSubjects.statusOrderResolve)
  async resolve(@Payload() q: { connectionId: string; iderisOrderId: number; action: AttentionResolution }) {
    if (!ATTENTION_RESOLUTIONS.includes(q.action)) return fail(400, `action must be one of ${ATTENTION_RESOLUTIONS.join(', ')}`);
    const result = await runInLane('normal', () => this.sync.resolve(q.connectionId, q.iderisOrderId, q.action));
    return result.resolved ? result : fail(result.status, result.reason);
  }
}
