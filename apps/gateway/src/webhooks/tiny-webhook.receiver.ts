import type { IncomingMessage } from './http-types';
import { HttpException, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { bindConnection, constantTimeEquals } from '@hub/platform';
import { readRawBody } from './raw-body';
import { checkTinyEnvelope } from './tiny-notification.check';
import { received, TinyNotificationIntake } from './tiny-notification.intake';
import { TinyProductWebhook } from './tiny-product.webhook';
import { WebhookConnectionCache, type CachedConnection } from './webhook-connection.cache';

export class WebhookBodyLimit {
  constructor(readonly bytes: number) {}
}

/** The current secret, or the one before a rotation while its grace period lasts. */
export function secretMatches(presented: string, connection: CachedConnection, now = Date.now()): boolean {
  const current = constantTimeEquals(presented, connection.secret);
  const previous = connection.previousSecret !== null && (connection.previousSecretUntil ?? 0) > now && constantTimeEquals(presented, connection.previousSecret);
  return current || previous;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PING = { status: 'ok', ping: true } as const;

/**
 * What one Tiny notification gets, whoever routed it (the raw fast path in front of Nest, or the Nest controller):
 * the answer body for a 200, or an HttpException (4xx, or 503 when it could not be stored). The notification is
 * persisted to JetStream (and acknowledged by the stream) before the answer: once Tiny hears 200 it never sends
 * it again, so nothing may be lost after that point.
 */
@Injectable()
export class TinyWebhookReceiver {
  constructor(
    private readonly cache: WebhookConnectionCache,
    private readonly intake: TinyNotificationIntake,
    private readonly products: TinyProductWebhook,
    private readonly limit: WebhookBodyLimit,
  ) {}

  async receive(connectionId: string, secret: string, kindInUrl: string | undefined, req: IncomingMessage): Promise<unknown> {
    const connection = UUID.test(connectionId) ? await this.cache.get(connectionId) : null;
    if (!connection) throw new NotFoundException('unknown webhook endpoint');
    if (!secretMatches(secret, connection)) throw new UnauthorizedException('invalid webhook secret');
    bindConnection(connectionId);

    const raw = await readRawBody(req, this.limit.bytes);
    if (raw.trim() === '') {
      // Tiny validates a URL with an empty request when the seller saves it.
      received.inc({ kind: kindInUrl ?? 'ping', outcome: 'ping' });
      return PING;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch (error) {
      received.inc({ kind: kindInUrl ?? 'unknown', outcome: 'malformed' });
      throw new HttpException({ statusCode: 400, error: 'Bad Request', message: `body is not valid JSON: ${(error as Error).message}` }, 400);
    }
    const check = checkTinyEnvelope(body, connection, kindInUrl);
    if (!check.ok) {
      received.inc({ kind: kindInUrl ?? 'unknown', outcome: 'refused' });
      throw new HttpException({ statusCode: check.status, error: check.status === 400 ? 'Bad Request' : 'Unprocessable Entity', message: check.reason }, check.status);
    }
    if (check.kind === 'produto') return this.products.receive(connection, raw);
    if (connection.situation !== 'active') {
      // Answered 200 so Tiny does not retry or drop the URL; a reactivation runs a reconciliation instead.
      received.inc({ kind: check.kind, outcome: 'ignored' });
      return { status: 'ignored', reason: `connection is ${connection.situation}; only active connections sync` };
    }
    const { ack } = await this.intake.store(connectionId, check.kind, raw);
    return { status: 'accepted', duplicate: ack.duplicate, sequence: ack.seq };
  }
}
