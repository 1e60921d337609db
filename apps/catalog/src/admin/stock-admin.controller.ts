import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CatalogRpcSubjects, type StockStateQuery, type StockStateView } from '@hub/contracts';
import { DataSource } from 'typeorm';

interface PushRow {
  sku: string;
  qty: number;
  previous_qty: number | null;
  source_seq: string;
  latency_ms: number | null;
  at: Date;
}

interface ProblemRow {
  sku: string;
  kind: string;
  detail: string;
  desired_qty: number | null;
  at: Date;
}

/** Stock sync state of a connection, over NATS request/reply. */
@Controller()
export class StockAdminController {
  constructor(private readonly dataSource: DataSource) {}

  @MessagePattern(CatalogRpcSubjects.stockState)
  async state(@Payload() q: StockStateQuery): Promise<StockStateView> {
    const limit = Math.min(Math.max(q.limit ?? 20, 1), 200);
    const [[pending], pushes, problems] = await Promise.all([
      this.dataSource.query(
        `SELECT count(*)::int AS pending, count(*) FILTER (WHERE attempts > 0)::int AS retrying, min(queued_at) AS oldest
           FROM stock_pending WHERE connection_id = $1`,
        [q.connectionId],
      ) as Promise<[{ pending: number; retrying: number; oldest: Date | null }]>,
      this.dataSource.query(`SELECT sku, qty, previous_qty, source_seq, latency_ms, at FROM stock_push_log WHERE connection_id = $1 ORDER BY id DESC LIMIT $2`, [q.connectionId, limit]) as Promise<PushRow[]>,
      this.dataSource.query(`SELECT sku, kind, detail, desired_qty, at FROM stock_problem WHERE connection_id = $1 ORDER BY at DESC LIMIT 200`, [q.connectionId]) as Promise<ProblemRow[]>,
    ]);
    return {
      connectionId: q.connectionId,
      pending: pending.pending,
      retrying: pending.retrying,
      oldestPendingAt: pending.oldest ? new Date(pending.oldest).toISOString() : null,
      lastPushes: pushes.map((row) => ({
        sku: row.sku,
        quantity: row.qty,
        previousQuantity: row.previous_qty,
        sourceSequence: Number(row.source_seq),
        latencyMs: row.latency_ms,
        at: new Date(row.at).toISOString(),
      })),
      problems: problems.map((row) => ({ sku: row.sku, kind: row.kind, detail: row.detail, desiredQuantity: row.desired_qty, at: new Date(row.at).toISOString() })),
    };
  }
}
