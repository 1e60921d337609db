import { createHash, randomUUID } from 'node:crypto';
import { HttpException, Injectable, Logger } from '@nestjs/common';
import { TINY_KINDS_DEDUPLICATED_BY_CONTENT, tinyNotificationSubject, type TinyNotificationKind, type TinyNotificationReceivedV1 } from '@hub/contracts';
import { MessagePublisher } from '@hub/messaging';
import { counter } from '@hub/platform';

export const received = counter('hub_tiny_webhooks_total', 'Tiny webhooks by outcome', ['kind', 'outcome']);

/** Persists one notification to TINY_NOTIFICATIONS and waits for the stream's acknowledgement (or answers 503). */
@Injectable()
export class TinyNotificationIntake {
  private readonly logger = new Logger(TinyNotificationIntake.name);

  constructor(private readonly publisher: MessagePublisher) {}

  async store(connectionId: string, kind: TinyNotificationKind, raw: string): Promise<{ ack: { seq: number; duplicate: boolean }; payload: TinyNotificationReceivedV1 }> {
    const messageId = (TINY_KINDS_DEDUPLICATED_BY_CONTENT as readonly string[]).includes(kind)
      ? `tiny:${connectionId}:${kind}:${createHash('sha256').update(raw).digest('hex')}`
      : randomUUID();
    const payload: TinyNotificationReceivedV1 = { connectionId, kind, receivedAt: new Date().toISOString(), rawBody: raw };
    try {
      // The publisher sets Hub-Connection-Id from `connectionId` (and the correlation id from the request's context).
      const ack = await this.publisher.publishJsonCoalesced(tinyNotificationSubject(kind), payload, { messageId, connectionId });
      received.inc({ kind, outcome: ack.duplicate ? 'duplicate' : 'accepted' });
      return { ack, payload };
    } catch (error) {
      received.inc({ kind, outcome: 'unavailable' });
      this.logger.error({ msg: 'could not persist Tiny notification', kind, err: (error as Error).message });
      throw new HttpException({ statusCode: 503, error: 'Service Unavailable', message: 'the notification could not be stored; retry later' }, 503);
    }
  }
}
