import { Controller, HttpCode, HttpException, NotFoundException, Param, Post, Req, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
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

/**
 * Tiny's notifications. The notification is persisted to JetStream (and acknowledged by the stream) before
 * the 200: once Tiny hears 200 it never sends it again, so nothing may be lost after that point.
 */
@ApiExcludeController()
@Controller('webhooks/tiny')
export class TinyWebhookController {
  constructor(
    private readonly cache: WebhookConnectionCache,
    private readonly intake: TinyNotificationIntake,
    private readonly products: TinyProductWebhook,
    private readonly limit: WebhookBodyLimit,
  ) {}

  @Post(':connectionId/:secret')
  @HttpCode(200)
  receiveAny(@Param('connectionId') connectionId: string, @Param('secret') secret: string, @Req() req: Request) {
    return this.receive(connectionId, secret, undefined, req);
  }

  @Post(':connectionId/:secret/:kind')
  @HttpCode(200)
  receiveKind(@Param('connectionId') connectionId: string, @Param('secret') secret: string, @Param('kind') kind: string, @Req() req: Request) {
    return this.receive(connectionId, secret, kind, req);
  }

  private async receive(connectionId: string, secret: string, kindInUrl: string | undefined, req: Request) {
    const connection = UUID.test(connectionId) ? await this.cache.get(connectionId) : null;
    if (!connection) throw new NotFoundException('unknown webhook endpoint');
    if (!secretMatches(secret, connection)) throw new UnauthorizedException('invalid webhook secret');
    bindConnection(connectionId);

    const raw = await readRawBody(req, this.limit.bytes);
    if (raw.trim() === '') {
      // Tiny validates a URL with an empty request when the seller saves it.
      received.inc({ kind: kindInUrl ?? 'ping', outcome: 'ping' });
      return { status: 'ok', ping: true };
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
