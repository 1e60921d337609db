import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { HealthIndicator } from '@hub/platform';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/** A PubAck later than this is treated as not stored (the caller answers 503 or retries; Nats-Msg-Id de-duplicates). */
export const PUBLISH_ACK_TIMEOUT_MS = 3000;

/** One NATS connection per process for JetStream work (Nest's NATS transport keeps its own for RPC). */
@Injectable()
export class JetStreamConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(JetStreamConnection.name);
  private connection?: NatsConnection;
  private manager?: JetStreamManager;
  private client?: JetStreamClient;
  private connected = false;

  async open(servers: string, name: string): Promise<void> {
    this.connection = await connect({
      servers: servers.split(',').map((s) => s.trim()),
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      // By default nats.js builds a RequestError and a TimeoutError (each capturing a stack) ahead of every
      // request — every PubAck: 13 % of the gateway's CPU in bench:intake (ADR 0026). Errors keep their type and
      // message (what isDependencyOutage and the logs read), only without the caller's extra stack.
      noAsyncTraces: true,
    });
    this.connected = true;
    void this.watch(this.connection);
    this.manager = await jetstreamManager(this.connection);
    this.client = jetstream(this.connection, { timeout: PUBLISH_ACK_TIMEOUT_MS });
    this.logger.log({ msg: 'nats connected', server: this.connection.getServer() });
  }

  /** False while the client is between servers: publishes then fail at once instead of queueing. */
  get isConnected(): boolean {
    return this.connected && !!this.connection && !this.connection.isClosed();
  }

  private async watch(connection: NatsConnection): Promise<void> {
    for await (const event of connection.status()) {
      if (event.type === 'disconnect') {
        this.connected = false;
        this.logger.warn({ msg: 'nats disconnected; reconnecting', server: event.server });
      } else if (event.type === 'reconnect') {
        this.connected = true;
        this.logger.log({ msg: 'nats reconnected', server: event.server });
      }
    }
  }

  get nc(): NatsConnection {
    if (!this.connection) throw new Error('NATS is not connected yet');
    return this.connection;
  }
  get jsm(): JetStreamManager {
    if (!this.manager) throw new Error('NATS is not connected yet');
    return this.manager;
  }
  get js(): JetStreamClient {
    if (!this.client) throw new Error('NATS is not connected yet');
    return this.client;
  }

  /** Drains after the consumers and the relay have stopped (they are destroyed before shutdown hooks run). */
  async onApplicationShutdown(): Promise<void> {
    if (this.connection && !this.connection.isClosed()) {
      await this.connection.drain().catch(() => this.connection?.close());
    }
  }
}

@Injectable()
export class NatsHealthIndicator implements HealthIndicator {
  readonly name = 'nats-jetstream';
  constructor(private readonly connection: JetStreamConnection) {}
  async check(): Promise<void> {
    if (!this.connection.isConnected) throw new Error('not connected (reconnecting)');
    await this.connection.jsm.getAccountInfo();
  }
}
