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


/**
 * Writes events in the caller's transaction. The NOTIFY is transactional too: the relay wakes when the
 * business change commits, and never sees a row that could still roll back.
 */
@Injectable()
export class Outbox {
  async add(manager: EntityManager, entry: OutboxEntry): Promise<string> {
    const id = randomUUID();
    const ctx = currentContext();
    const messageId = entry.messageId ?? id;
    const headers: Record<string, string[]> = { [MessageHeaders.messageId]: [messageId] };
    const correlationId = ctx?.correlationId;
    const connectionId = entry.connectionId ?? ctx?.connectionId;
    if (correlationId) headers[MessageHeaders.correlationId] = [correlationId];
    if (connectionId) headers[MessageHeaders.connectionId] = [connectionId];
    // One statement, one round trip: the row and the wake-up of the relay.
    await manager.query(
      `WITH added AS (INSERT INTO outbox_message (id, subject, payload, headers) VALUES ($1, $2, $3, $4))
       SELECT pg_notify(current_schema() || '_outbox', '')`,
      [id, entry.subject, JSON.stringify(entry.payload), JSON.stringify({ ...headers, [MessageHeaders.natsMsgId]: [messageId] })],
    );
    return id;
  }
}
