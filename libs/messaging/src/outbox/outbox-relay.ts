import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MessageHeaders } from '@hub/contracts';
import { counter } from '@hub/platform';
import { recordToHeaders } from '../nats/headers';
import { JetStreamConnection } from '../nats/jetstream-connection';

interface PendingRow {
  id: string;
  subject: string;
  payload: unknown;
  headers: Record<string, string[]>;
}

const published = counter('hub_outbox_published_total', 'Outbox rows published to JetStream', ['subject']);

/** Relay tuning, named for why they are what they are. */
export const OUTBOX_RELAY_DEFAULTS = {
  /** Rows claimed per transaction: big enough to pipeline publishes, small enough to keep locks short. */
  batchSize: 100,
  /** Safety poll in case a NOTIFY was missed (listener reconnecting). */
  pollIntervalMs: 1000,
  /** Published rows are kept a while for inspection, then deleted. */
  retentionHours: 24,
  /** Longer than the longest stream retention, so a message can never be handled again after its row goes. */
  inboxRetentionDays: 35,
};

/**
 * Publishes committed outbox rows in order. Rows are claimed with FOR UPDATE SKIP LOCKED, so any number of
 * replicas can run a relay without publishing one row twice; the publish uses the entry's message id (the
 * row id unless the writer gave a natural one) as Nats-Msg-Id, so a crash after publish and before marking
 * is absorbed by JetStream's de-duplication.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private listener?: Client;
  private listenTimer?: NodeJS.Timeout;
  private running = false;
  private wakeUp?: () => void;
  private loop?: Promise<void>;
  private lastCleanup = 0;

  constructor(private readonly dataSource: DataSource, private readonly connection: JetStreamConnection) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.listen();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    clearTimeout(this.listenTimer);
    this.listenTimer = undefined;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /** Publishes everything pending now; returns how many rows it published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.publishBatch();
      total += n;
      if (n < OUTBOX_RELAY_DEFAULTS.batchSize) return total;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.drain();
        await this.cleanup();
      } catch (error) {
        this.logger.warn({ msg: 'outbox relay pass failed; retrying', err: error instanceof Error ? error.message : String(error) });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, OUTBOX_RELAY_DEFAULTS.pollIntervalMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: PendingRow[] = await manager.query(
        `SELECT id, subject, payload, headers FROM outbox_message
          WHERE published_at IS NULL ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [OUTBOX_RELAY_DEFAULTS.batchSize],
      );
      if (rows.length === 0) return 0;
      // Publishes are pipelined on one connection, so the stream keeps the rows' order.
      const acks = await Promise.all(
        rows.map((row) => {
          const messageId = row.headers[MessageHeaders.natsMsgId]?.[0] ?? row.id;
          const { [MessageHeaders.natsMsgId]: _drop, ...headers } = row.headers;
          return this.connection.js.publish(row.subject, JSON.stringify(row.payload), { msgID: messageId, headers: recordToHeaders(headers) });
        }),
      );
      await manager.query(
        `UPDATE outbox_message AS o SET published_at = now(), stream_sequence = v.seq
           FROM unnest($1::uuid[], $2::bigint[]) AS v(id, seq) WHERE o.id = v.id`,
        [rows.map((r) => r.id), acks.map((a) => a.seq)],
      );
      for (const row of rows) published.inc({ subject: row.subject });
      return rows.length;
    });
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.dataSource.query(`DELETE FROM outbox_message WHERE published_at < now() - make_interval(hours => $1)`, [OUTBOX_RELAY_DEFAULTS.retentionHours]);
    // Inbox rows only need to outlive any redelivery or re-publish of their message (streams keep 7-30 days).
    await this.dataSource.query(`DELETE FROM inbox_message WHERE processed_at < now() - make_interval(days => $1)`, [OUTBOX_RELAY_DEFAULTS.inboxRetentionDays]);
  }

  private async listen(): Promise<void> {
    const options = this.dataSource.options as { url?: string; schema?: string };
    try {
      const client = new Client({ connectionString: options.url });
      // A PostgreSQL restart ends the LISTEN session: listen again once it is back (the safety poll covers the gap).
      client.on('error', () => this.relisten(client));
      client.on('end', () => this.relisten(client));
      await client.connect();
      await client.query(`LISTEN "${options.schema ?? 'public'}_outbox"`);
      client.on('notification', () => this.wakeUp?.());
      this.listener = client;
      if (!this.running) await client.end();
    } catch (error) {
      this.logger.warn({ msg: 'outbox LISTEN failed; relying on polling until it works again', err: error instanceof Error ? error.message : String(error) });
      this.scheduleListen();
    }
  }

  private relisten(client: Client): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    client.end().catch(() => undefined);
    this.scheduleListen();
  }

  private scheduleListen(): void {
    if (!this.running || this.listenTimer) return;
    this.listenTimer = setTimeout(() => {
      this.listenTimer = undefined;
      if (this.running && !this.listener) void this.listen();
    }, OUTBOX_RELAY_DEFAULTS.pollIntervalMs);
    this.listenTimer.unref();
  }
}
