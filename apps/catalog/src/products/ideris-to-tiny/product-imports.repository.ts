import { Injectable } from '@nestjs/common';
import type { ProductImportView } from '@hub/contracts';
import { DataSource } from 'typeorm';

export interface ProductImportRow {
  id: string;
  connection_id: string;
  trigger: 'admin' | 'schedule';
  skus: string[] | null;
  state: ProductImportView['state'];
  cursor: number;
  discovered: number;
  queued: number;
  unchanged: number;
  skipped: number;
  created: number;
  updated: number;
  failed: number;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export interface DiscoveryCounts {
  discovered: number;
  queued: number;
  unchanged: number;
  skipped: number;
}

type WriteCounter = 'created' | 'updated' | 'failed' | 'unchanged';

/** Imports from Ideris: one running per connection, the walk's cursor, and what came of each product. */
@Injectable()
export class ProductImportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Starts an import; when one is running for the connection already, answers that one instead (`started: false`). */
  async start(connectionId: string, trigger: 'admin' | 'schedule', skus: string[] | null): Promise<{ started: boolean; row: ProductImportRow }> {
    const inserted: ProductImportRow[] = await this.dataSource.query(
      `INSERT INTO product_import (connection_id, trigger, skus) VALUES ($1, $2, $3::text[])
       ON CONFLICT (connection_id) WHERE state IN ('discovering', 'writing') DO NOTHING RETURNING *`,
      [connectionId, trigger, skus],
    );
    if (inserted[0]) return { started: true, row: inserted[0] };
    const [running] = (await this.dataSource.query(`SELECT * FROM product_import WHERE connection_id = $1 AND state IN ('discovering', 'writing')`, [connectionId])) as ProductImportRow[];
    return running ? { started: false, row: running } : this.start(connectionId, trigger, skus);
  }

  async get(connectionId: string, id: string): Promise<ProductImportRow | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const rows: ProductImportRow[] = await this.dataSource.query(`SELECT * FROM product_import WHERE connection_id = $1 AND id = $2`, [connectionId, id]);
    return rows[0];
  }

  async list(connectionId: string, limit: number): Promise<ProductImportRow[]> {
    return this.dataSource.query(`SELECT * FROM product_import WHERE connection_id = $1 ORDER BY id DESC LIMIT $2`, [connectionId, limit]);
  }

  /** The import of the connection still walking Ideris, if its next step is due. */
  async discovering(connectionId: string): Promise<ProductImportRow | undefined> {
    const rows: ProductImportRow[] = await this.dataSource.query(
      `SELECT * FROM product_import WHERE connection_id = $1 AND state = 'discovering' AND next_attempt_at <= now()`,
      [connectionId],
    );
    return rows[0];
  }

  async isDiscovering(connectionId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM product_import WHERE connection_id = $1 AND state = 'discovering'`, [connectionId]);
    return rows.length > 0;
  }

  async dueConnections(): Promise<string[]> {
    const rows: { connection_id: string }[] = await this.dataSource.query(`SELECT DISTINCT connection_id FROM product_import WHERE state = 'discovering' AND next_attempt_at <= now()`);
    return rows.map((row) => row.connection_id);
  }

  /** One step of the walk is recorded: the cursor moves on (only if nobody moved it meanwhile), counters add up. */
  async advance(row: ProductImportRow, cursor: number, finished: boolean, counts: DiscoveryCounts): Promise<void> {
    await this.dataSource.query(
      `UPDATE product_import SET cursor = $3, state = CASE WHEN $4 THEN 'writing' ELSE state END, attempts = 0, last_error = NULL,
              discovered = discovered + $5, queued = queued + $6, unchanged = unchanged + $7, skipped = skipped + $8, updated_at = now()
        WHERE id = $1 AND cursor = $2 AND state = 'discovering'`,
      [row.id, row.cursor, cursor, finished, counts.discovered, counts.queued, counts.unchanged, counts.skipped],
    );
  }

  async retry(row: ProductImportRow, detail: string, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE product_import SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3::float8 / 1000), updated_at = now() WHERE id = $1`,
      [row.id, detail.slice(0, 1000), delayMs],
    );
  }

  async fail(row: ProductImportRow, detail: string): Promise<void> {
    await this.dataSource.query(`UPDATE product_import SET state = 'failed', last_error = $2, finished_at = now(), updated_at = now() WHERE id = $1`, [row.id, detail.slice(0, 1000)]);
  }

  async count(importId: string | null, counter: WriteCounter): Promise<void> {
    if (!importId) return;
    await this.dataSource.query(`UPDATE product_import SET ${counter} = ${counter} + 1, updated_at = now() WHERE id = $1`, [importId]);
  }

  /** Imports whose walk is over and whose products are all written (or refused) are done. */
  async completeFinished(connectionId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE product_import i SET state = 'done', finished_at = now(), updated_at = now()
        WHERE i.connection_id = $1 AND i.state = 'writing'
          AND NOT EXISTS (SELECT 1 FROM product_sync s WHERE s.import_id = i.id AND s.direction = 'to-tiny' AND s.state IN ('pending', 'writing', 'waiting'))`,
      [connectionId],
    );
  }

  async remaining(importId: string): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS n FROM product_sync WHERE import_id = $1 AND direction = 'to-tiny' AND state IN ('pending', 'writing', 'waiting')`,
      [importId],
    )) as Array<{ n: number }>;
    return row?.n ?? 0;
  }

  /**
   * The periodic import: every `everyMs` per active connection, the first one `everyMs` after the connection is
   * first seen here (not at once: an activation is not a request to import a whole catalogue). True when it is due
   * now; the schedule moves on in the same statement, so one replica wins.
   */
  async claimScheduled(connectionId: string, everyMs: number): Promise<boolean> {
    const rows: Array<{ due: boolean }> = await this.dataSource.query(
      `INSERT INTO product_import_schedule (connection_id, next_run_at) VALUES ($1, now() + make_interval(secs => $2::float8 / 1000))
       ON CONFLICT (connection_id) DO UPDATE SET next_run_at = now() + make_interval(secs => $2::float8 / 1000)
         WHERE product_import_schedule.next_run_at <= now()
       RETURNING (xmax <> 0) AS due`,
      [connectionId, everyMs],
    );
    return rows[0]?.due === true;
  }
}

export function toImportView(row: ProductImportRow, remaining: number): ProductImportView {
  return {
    id: String(row.id),
    connectionId: row.connection_id,
    trigger: row.trigger,
    skus: row.skus,
    state: row.state,
    discovered: row.discovered,
    queued: row.queued,
    unchanged: row.unchanged,
    skipped: row.skipped,
    created: row.created,
    updated: row.updated,
    failed: row.failed,
    remaining,
    lastError: row.last_error,
    createdAt: new Date(row.created_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  };
}
