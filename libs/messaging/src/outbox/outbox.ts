import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MessageHeaders } from '@hub/contracts';
import { currentContext } from '@hub/platform';

export interface OutboxEntry {
  subject: string;
  payload: object;
  /** Defaults to a fresh UUID; give a natural id (e.g. `connection:<id>:v<version>`) when there is one. */
  messageId?: string;
  connectionId?: string;
}


/** The relay's wake-up, as a select-list expression (transactional: delivered on commit). */
export const OUTBOX_NOTIFY = `pg_notify(current_schema() || '_outbox', '')`;

/**
 * Writes events in the caller's transaction. The NOTIFY is transactional too: the relay wakes when the
 * business change commits, and never sees a row that could still roll back.
 */
@Injectable()
export class Outbox {
  async add(manager: EntityManager, entry: OutboxEntry): Promise<string> {
    const row = this.row(entry);
    // One statement, one round trip: the row and the wake-up of the relay.
    await manager.query(
      `WITH added AS (INSERT INTO outbox_message (id, subject, payload, headers) VALUES ($1, $2, $3, $4))
       SELECT ${OUTBOX_NOTIFY}`,
      row.params,
    );
    return row.id;
  }

  /**
   * The row `add` would insert, as the four parameters of `INSERT INTO outbox_message (id, subject, payload, headers)`,
   * for a caller that writes it inside a statement of its own (a CTE with its business change: one round trip, atomic
   * as one statement). That statement must also select `OUTBOX_NOTIFY`, so the relay wakes on commit.
   */
  row(entry: OutboxEntry): { id: string; params: [string, string, string, string] } {
    const id = randomUUID();
    const ctx = currentContext();
    const messageId = entry.messageId ?? id;
    const headers: Record<string, string[]> = { [MessageHeaders.messageId]: [messageId] };
    const correlationId = ctx?.correlationId;
    const connectionId = entry.connectionId ?? ctx?.connectionId;
    if (correlationId) headers[MessageHeaders.correlationId] = [correlationId];
    if (connectionId) headers[MessageHeaders.connectionId] = [connectionId];
    return { id, params: [id, entry.subject, JSON.stringify(entry.payload), JSON.stringify({ ...headers, [MessageHeaders.natsMsgId]: [messageId] })] };
  }
}
