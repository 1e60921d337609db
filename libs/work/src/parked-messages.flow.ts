import type { RedriveResult, WorkerService, WorkItemView } from '@hub/contracts';
import { eachItem } from './work-admin';
import type { FlowSource, ItemHistory, RetryVerdict } from './flow-source';
import { rows, toSummary, type FlowTable, type Queryable, type SummaryRow } from './flow-table';

/** What re-drives a parked message (`ParkingService` of `@hub/messaging`, which builds on this lib). */
export interface ParkedMessageRedriver {
  redrive(id: string): Promise<RedriveResult>;
}

/**
 * The parked (dead-lettered) JetStream messages of a service as a flow of the failure inbox: each one `gave_up`
 * with reason `parked_message` (or `invalid_message` for a payload that never validated); retry = re-drive.
 */
export class ParkedMessagesFlow implements FlowSource {
  readonly flow = 'messages' as const;
  readonly table: FlowTable;

  constructor(private readonly service: WorkerService, private readonly parking: ParkedMessageRedriver) {
    this.table = {
      flow: 'messages',
      from: 'parked_message t',
      connectionId: 't.connection_id',
      key: `'${service}:' || t.id::text`,
      inbox: 't.redriven_at IS NULL',
      open: 't.redriven_at IS NULL',
      status: `CASE WHEN t.redriven_at IS NULL THEN 'gave_up' ELSE 'succeeded' END`,
      outcome: 't.error_kind',
      reasonCode: `CASE WHEN t.error_kind IN ('invalid', 'invalid-payload') THEN 'invalid_message' ELSE 'parked_message' END`,
      reasonDetail: `t.consumer || ': ' || t.error`,
      attempts: 't.attempts',
      createdAt: 't.parked_at',
      updatedAt: 'coalesce(t.redriven_at, t.parked_at)',
      refs: { messageId: 't.message_id' },
      search: ['t.message_id', 't.id::text'],
      hitKind: 'order',
      label: `'parked message of ' || t.consumer`,
      activity: [{ counts: 'failed', at: 't.parked_at' }],
    };
  }

  async summary(db: Queryable) {
    const found = await rows<SummaryRow>(
      db,
      `SELECT connection_id, NULL::timestamptz AS last_success_at, max(parked_at) AS last_attempt_at, max(parked_at) AS last_failure_at,
              count(*)::int AS failures, 0 AS pending, NULL::timestamptz AS oldest_pending_at
         FROM parked_message WHERE redriven_at IS NULL AND connection_id IS NOT NULL GROUP BY connection_id`,
    );
    return found.map((r) => toSummary('messages', 0, r, false));
  }

  async history(db: Queryable, item: WorkItemView): Promise<ItemHistory> {
    const [row] = await rows<{ subject: string; consumer: string; data: string; error: string; error_kind: string; parked_at: Date; redriven_at: Date | null; redrive_count: number; headers: unknown }>(
      db,
      'SELECT subject, consumer, data, error, error_kind, parked_at, redriven_at, redrive_count, headers FROM parked_message WHERE id = $1',
      [this.idOf(item)],
    );
    if (!row) return { timeline: [] };
    const timeline = [{ at: new Date(row.parked_at).toISOString(), kind: 'parked', detail: { consumer: row.consumer, subject: row.subject, error: row.error, kind: row.error_kind } }];
    if (row.redriven_at) timeline.push({ at: new Date(row.redriven_at).toISOString(), kind: 'redriven', detail: { times: row.redrive_count } as never });
    let request: unknown = row.data;
    try {
      request = JSON.parse(row.data);
    } catch {
      /* kept as text */
    }
    return { timeline, request };
  }

  retry(_db: Queryable, items: WorkItemView[]): Promise<RetryVerdict[]> {
    return eachItem(items, async (item) => {
      if (item.status === 'succeeded') return 'already_done';
      const result = await this.parking.redrive(this.idOf(item));
      return result.redriven ? 'queued' : 'not_found';
    });
  }

  private idOf(item: WorkItemView): string {
    return item.key.slice(this.service.length + 1);
  }
}
