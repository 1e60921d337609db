import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { TinyWebhookReceiver } from './tiny-webhook.receiver';

export { secretMatches, WebhookBodyLimit } from './tiny-webhook.receiver';

/**
 * Tiny's notifications through Nest: only what the raw fast path in front of Nest does not take
 * (tiny-webhook.fast-path.ts: a path in another case, percent-encoded segments…). Same receiver, same answers.
 */
@ApiExcludeController()
@Controller('webhooks/tiny')
export class TinyWebhookController {
  constructor(private readonly receiver: TinyWebhookReceiver) {}

  @Post(':connectionId/:secret')
  @HttpCode(200)
  receiveAny(@Param('connectionId') connectionId: string, @Param('secret') secret: string, @Req() req: Request) {
    return this.receiver.receive(connectionId, secret, undefined, req);
  }

  @Post(':connectionId/:secret/:kind')
  @HttpCode(200)
  receiveKind(@Param('connectionId') connectionId: string, @Param('secret') secret: string, @Param('kind') kind: string, @Req() req: Request) {
    return this.receiver.receive(connectionId, secret, kind, req);
  }
}
