import { Injectable } from '@nestjs/common';
import type { PubAck } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import { MessageHeaders } from '@hub/contracts';
import { currentContext } from '@hub/platform';
import { createHeaders } from './headers';
import { JetStreamConnection } from './jetstream-connection';

export interface PublishOptions {
  /** De-duplication id (Nats-Msg-Id and Hub-Message-Id); derive it from the thing announced when you can. */
  messageId: string;
  connectionId?: string;
  correlationId?: string;
  headers?: Record<string, string[]>;
}

/**
 * Publishes straight to JetStream and waits for the stream's acknowledgement. Use it where the message
 * itself is the durable record (webhook intake); where a database change is announced, use the outbox.
 */
@Injectable()
export class MessagePublisher {
  constructor(private readonly connection: JetStreamConnection) {}

  async publish(subject: string, data: Uint8Array | string, options: PublishOptions): Promise<PubAck> {
    return this.send(subject, data, options.messageId, this.headersFor(options));
  }

  publishJson(subject: string, payload: object, options: PublishOptions): Promise<PubAck> {
    return this.publish(subject, JSON.stringify(payload), options);
  }

  /**
   * As `publishJson`, but sent at the end of this turn of the event loop (`setImmediate`) together with every
   * other publish asked for in the turn. nats.js writes its outbound buffer once per microtask checkpoint, and
   * Node drains microtasks after each I/O callback: a burst of webhooks read in one poll phase would cost one
   * socket write each; coalesced, it costs one for all. Every message still has its own PubAck (and its own
   * timeout); the headers — the caller's correlation and connection ids — are taken now, in the caller's context.
   */
  publishJsonCoalesced(subject: string, payload: object, options: PublishOptions): Promise<PubAck> {
    const data = JSON.stringify(payload);
    const headers = this.headersFor(options);
    return new Promise<PubAck>((resolve, reject) => {
      this.turn.push(() => this.send(subject, data, options.messageId, headers).then(resolve, reject));
      if (this.turn.length === 1) setImmediate(this.sendTurn);
    });
  }

  private readonly turn: (() => void)[] = [];
  private readonly sendTurn = (): void => {
    for (const send of this.turn.splice(0)) send();
  };

  private headersFor(options: PublishOptions): MsgHdrs {
    const h = createHeaders();
    for (const [key, values] of Object.entries(options.headers ?? {})) for (const v of values) h.append(key, v);
    const ctx = currentContext();
    const correlationId = options.correlationId ?? ctx?.correlationId;
    const connectionId = options.connectionId ?? ctx?.connectionId;
    if (!h.has(MessageHeaders.messageId)) h.set(MessageHeaders.messageId, options.messageId);
    if (correlationId && !h.has(MessageHeaders.correlationId)) h.set(MessageHeaders.correlationId, correlationId);
    if (connectionId && !h.has(MessageHeaders.connectionId)) h.set(MessageHeaders.connectionId, connectionId);
    h.set(MessageHeaders.publishedAt, new Date().toISOString());
    return h;
  }

  private async send(subject: string, data: Uint8Array | string, messageId: string, headers: MsgHdrs): Promise<PubAck> {
    // Between servers nats.js would queue the publish and the caller would wait for an ack that may never come.
    if (!this.connection.isConnected) throw Object.assign(new Error('NATS is not connected (reconnecting)'), { code: 'DISCONNECT' });
    return this.connection.js.publish(subject, data, { msgID: messageId, headers });
  }
}
