import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { DataSource } from 'typeorm';
import { MessageHeaders, type ParkedMessageListQuery, type ParkedMessageView, type RedriveResult } from '@hub/contracts';
import { counter } from '@hub/platform';
import { headersToRecord } from '../nats/headers';
import { MessagePublisher } from '../nats/message-publisher';

interface ParkedRow {
  id: string;
  consumer: string;
  stream: string;
  subject: string;
  stream_sequence: string;
  message_id: string;
  connection_id: string | null;
  correlation_id: string | null;
  headers: Record<string, string[]>;
  data: string;
  error: string;
  error_kind: string;
  attempts: number;
  parked_at: Date;
  redriven_at: Date | null;
  redrive_count: number;
}

const parkedTotal = counter('hub_messages_parked_total', 'Messages parked after failing', ['consumer', 'kind']);
const redrivenTotal = counter('hub_messages_redriven_total', 'Parked messages re-driven', ['consumer']);

export const REDRIVE_FOR_HEADER = MessageHeaders.redriveFor;

/**
 * The dead-letter store: a message that cannot be handled is kept with its headers, its error and the
 * number of attempts, visible and re-drivable, instead of being dropped by the server.
 */
@Injectable()
export class ParkingService {
  constructor(private readonly dataSource: DataSource, private readonly publisher: MessagePublisher) {}

  async park(consumer: string, msg: JsMsg, messageId: string, error: { message: string; kind: string }): Promise<void> {
    const headers = headersToRecord(msg.headers);
    await this.dataSource.query(
      `INSERT INTO parked_message (id, consumer, stream, subject, stream_sequence, message_id, connection_id, correlation_id,
         headers, data, error, error_kind, attempts)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
       ON CONFLICT (consumer, stream, stream_sequence) DO NOTHING`,
      [
        randomUUID(), consumer, msg.info.stream, msg.subject, msg.seq, messageId,
        headers[MessageHeaders.connectionId]?.[0] ?? null, headers[MessageHeaders.correlationId]?.[0] ?? null,
        JSON.stringify(headers), msg.string(), error.message.slice(0, 8000), error.kind, msg.info.deliveryCount,
      ],
    );
    parkedTotal.inc({ consumer, kind: error.kind });
  }

  async list(query: ParkedMessageListQuery = {}): Promise<ParkedMessageView[]> {
    const rows: ParkedRow[] = await this.dataSource.query(
      `SELECT * FROM parked_message
        WHERE ($1::text IS NULL OR consumer = $1) AND ($2::boolean OR redriven_at IS NULL)
        ORDER BY parked_at DESC LIMIT $3`,
      [query.consumer ?? null, query.includeRedriven ?? false, Math.min(query.limit ?? 100, 1000)],
    );
    return rows.map(toView);
  }

  /** Publishes the parked message again for its consumer only; the inbox id is kept, so it is handled once. */
  async redrive(id: string): Promise<RedriveResult> {
    const rows: ParkedRow[] = await this.dataSource.query('SELECT * FROM parked_message WHERE id = $1', [id]);
    const row = rows[0];
    if (!row) return { id, redriven: false, reason: 'no parked message with this id' };
    const headers = Object.fromEntries(Object.entries(row.headers).filter(([k]) => k !== MessageHeaders.natsMsgId && k !== REDRIVE_FOR_HEADER));
    const attempt = row.redrive_count + 1;
    await this.publisher.publish(row.subject, row.data, {
      messageId: `redrive:${row.id}:${attempt}`,
      headers: {
        ...headers,
        [MessageHeaders.messageId]: [row.message_id],
        [MessageHeaders.redriveOf]: [row.id],
        [REDRIVE_FOR_HEADER]: [row.consumer],
      },
    });
    await this.dataSource.query('UPDATE parked_message SET redriven_at = now(), redrive_count = $2 WHERE id = $1', [id, attempt]);
    redrivenTotal.inc({ consumer: row.consumer });
    return { id, redriven: true };
  }
}

function toView(row: ParkedRow): ParkedMessageView {
  return {
    id: row.id,
    consumer: row.consumer,
    stream: row.stream,
    subject: row.subject,
    streamSequence: Number(row.stream_sequence),
    messageId: row.message_id,
    connectionId: row.connection_id,
    correlationId: row.correlation_id,
    headers: row.headers,
    data: row.data,
    error: row.error,
    errorKind: row.error_kind,
    attempts: row.attempts,
    parkedAt: new Date(row.parked_at).toISOString(),
    redrivenAt: row.redriven_at ? new Date(row.redriven_at).toISOString() : null,
    redriveCount: row.redrive_count,
  };
}
