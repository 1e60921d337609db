import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CatalogRpcSubjects, type StockStateQuery, type StockStateView, type StockSweepNowCommand, type StockSweepNowResult } from '@hub/contracts';
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

interface SweepRow {
  pass: number;
  next_offset: number;
  checked: number;
  corrected: number;
  last_pass_finished_at: Date | null;
  last_pass_checked: number | null;
  last_pass_corrected: number | null;
  next_poll_at: Date | null;
  last_error: string | null;
}

interface FeedRow {
  records_total: number;
  last_read_at: Date | null;
  recoveries: number;
  last_error: string | null;
}

/** Stock sync state of a connection, over NATS request/reply. */
@Controller()
export class StockAdminController {
  constructor(private readonly dataSource: DataSource) {}

  @MessagePattern(CatalogRpcSubjects.stockState)
  async state(@Payload() q: StockStateQuery): Promise<StockStateView> {
    const limit = Math.min(Math.max(q.limit ?? 20, 1), 200);
    const [[pending], pushes, problems, reasons, [sweep], [feed]] = await Promise.all([
      this.dataSource.query(
        `SELECT count(*)::int AS pending, count(*) FILTER (WHERE attempts > 0)::int AS retrying, min(queued_at) AS oldest
           FROM stock_pending WHERE connection_id = $1`,
        [q.connectionId],
      ) as Promise<[{ pending: number; retrying: number; oldest: Date | null }]>,
      this.dataSource.query(`SELECT sku, qty, previous_qty, source_seq, latency_ms, at FROM stock_push_log WHERE connection_id = $1 ORDER BY id DESC LIMIT $2`, [q.connectionId, limit]) as Promise<PushRow[]>,
      this.dataSource.query(`SELECT sku, kind, detail, desired_qty, at FROM stock_problem WHERE connection_id = $1 ORDER BY at DESC LIMIT 200`, [q.connectionId]) as Promise<ProblemRow[]>,
      this.dataSource.query(`SELECT reason, count(*)::int AS n FROM stock_pending WHERE connection_id = $1 GROUP BY reason`, [q.connectionId]) as Promise<{ reason: string; n: number }[]>,
      this.dataSource.query(`SELECT * FROM stock_sweep WHERE connection_id = $1`, [q.connectionId]) as Promise<SweepRow[]>,
      this.dataSource.query(`SELECT records_total::int AS records_total, last_read_at, recoveries, last_error FROM stock_feed WHERE connection_id = $1`, [q.connectionId]) as Promise<FeedRow[]>,
    ]);
    const iso = (at: Date | null) => (at ? new Date(at).toISOString() : null);
    return {
      connectionId: q.connectionId,
      pending: pending.pending,
      pendingByReason: Object.fromEntries(reasons.map((row) => [row.reason, row.n])),
      reconciliation: {
        sweep: sweep
          ? {
              passes: sweep.pass,
              offset: sweep.next_offset,
              checkedThisPass: sweep.checked,
              correctedThisPass: sweep.corrected,
              lastPassFinishedAt: iso(sweep.last_pass_finished_at),
              lastPassChecked: sweep.last_pass_checked,
              lastPassCorrected: sweep.last_pass_corrected,
              nextStepAt: iso(sweep.next_poll_at),
              lastError: sweep.last_error,
            }
          : null,
        feed: feed ? { recordsRead: feed.records_total, lastReadAt: iso(feed.last_read_at), recoveries: feed.recoveries, lastError: feed.last_error } : null,
      },
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

  @MessagePattern(CatalogRpcSubjects.stockSweepNow)
  async sweepNow(@Payload() command: StockSweepNowCommand): Promise<StockSweepNowResult> {
    // A pass in progress (cursor past 0) keeps its cursor; otherwise a new pass starts at the first page.
    const rows: { started: boolean }[] = await this.dataSource.query(
      `INSERT INTO stock_sweep (connection_id, next_poll_at) VALUES ($1, now())
       ON CONFLICT (connection_id) DO UPDATE SET next_poll_at = now()
       RETURNING next_offset = 0 AS started`,
      [command.connectionId],
    );
    return { connectionId: command.connectionId, started: rows[0]?.started ?? true };
  }
}
