import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ProductRpcSubjects, type ProductMapFromTinyReply, type ProductMapFromTinyRequest, type RpcFailure } from '@hub/contracts';
import { ConnectionDirectory, flowEnabled, recordFlowSkip } from '@hub/connections';
import { runWithContext } from '@hub/platform';
import { buildTinyProductWebhookReply, parseTinyNotification } from '@hub/tiny';
import { IderisProductPusher } from './ideris-product-pusher';
import { TinyProductNoticeService } from './tiny-product-notice.service';

/**
 * The gateway's question while Tiny waits for the `produto` answer: record the product and its bindings (the
 * notification is already in the stream) and answer the flat mapping array. A connection this service does not
 * see as active yet gets the answer computed from the payload alone; the durable consumer records it later.
 */
@Controller()
export class TinyProductReplyController {
  private readonly logger = new Logger(TinyProductReplyController.name);

  constructor(
    private readonly directory: ConnectionDirectory,
    private readonly notices: TinyProductNoticeService,
    private readonly pusher: IderisProductPusher,
  ) {}

  @MessagePattern(ProductRpcSubjects.mapFromTiny)
  async mapFromTiny(@Payload() request: ProductMapFromTinyRequest): Promise<ProductMapFromTinyReply | RpcFailure> {
    return runWithContext({ connectionId: request.connectionId }, async () => {
      const parsed = parseTinyNotification(request.rawBody ?? '');
      if (!parsed.ok || parsed.notification.kind !== 'produto') return { error: { status: 400, message: parsed.ok ? 'not a produto notification' : parsed.error.message } };
      const dados = parsed.notification.dados;
      const connection = await this.directory.get(request.connectionId);
      if (!connection || connection.deleted || connection.situation !== 'active') {
        this.logger.log({ msg: 'product mapping answered from the payload: connection not active here (yet)', connectionId: request.connectionId });
        return { items: buildTinyProductWebhookReply(dados) };
      }
      if (!flowEnabled(connection, 'products')) {
        // Tiny still needs its mapping answer; nothing is recorded or pushed while the flow is off.
        recordFlowSkip(this.logger, { flow: 'products', connectionId: request.connectionId, what: 'produto mapping (answered from the payload)' });
        return { items: buildTinyProductWebhookReply(dados) };
      }
      const recorded = await this.notices.record(request.connectionId, dados, request.streamSequence);
      if (recorded.outcome === 'queued') this.pusher.wake(request.connectionId);
      return { items: recorded.items };
    });
  }
}
