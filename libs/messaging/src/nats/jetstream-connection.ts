import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { HealthIndicator } from '@hub/platform';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/** One NATS connection per process for JetStream work (Nest's NATS transport keeps its own for RPC). */
@Injectable()
export class JetStreamConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(JetStreamConnection.name);
  private connection?: NatsConnection;
  private manager?: JetStreamManager;
  private client?: JetStreamClient;

  async open(servers: string, name: string): Promise<void> {
    this.connection = await connect({
      servers: servers.split(',').map((s) => s.trim()),
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
    this.manager = await jetstreamManager(this.connection);
    this.client = jetstream(this.connection);
    this.logger.log({ msg: 'nats connected', server: this.connection.getServer() });
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
    if (this.connection.nc.isClosed()) throw new Error('connection closed');
    await this.connection.jsm.getAccountInfo();
  }
}
