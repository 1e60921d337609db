import { HttpException, Injectable, Logger } from '@nestjs/common';
import { PRODUCT_REPLY_DEADLINE_MS, ProductRpcSubjects, type ProductMapFromTinyReply, type ProductMapFromTinyRequest, type ProductMappingItemV1 } from '@hub/contracts';
import { counter } from '@hub/platform';
import { buildTinyProductWebhookReply, parseTinyNotification } from '@hub/tiny';
import { ServiceRpc } from '../admin/rpc-client';
import { received, TinyNotificationIntake } from './tiny-notification.intake';
import type { CachedConnection } from './webhook-connection.cache';

const replies = counter('hub_tiny_product_replies_total', "Answers to Tiny's produto notifications by source: catalog, payload (catalog did not answer in time), inactive", ['source']);

/**
 * Tiny's `produto` notification must be answered synchronously with a flat array of mappings (product, then each
 * variation). The notification is stored in JetStream first (so it is never lost), then catalog is asked — it
 * records the product and its bindings and answers — within a deadline. When catalog does not answer in time, the
 * answer is computed from the payload alone: it is deterministic (the mapping SKU Tiny sent, else its code; the
 * mapping id Tiny sent, else its product id), the same catalog gives unless it refuses an item; the stored
 * notification reaches catalog through its durable consumer and the push to Ideris happens then.
 */
@Injectable()
export class TinyProductWebhook {
  private readonly logger = new Logger(TinyProductWebhook.name);

  constructor(private readonly intake: TinyNotificationIntake, private readonly rpc: ServiceRpc) {}

  async receive(connection: CachedConnection, raw: string): Promise<ProductMappingItemV1[]> {
    const parsed = parseTinyNotification(raw);
    if (!parsed.ok || parsed.notification.kind !== 'produto') {
      received.inc({ kind: 'produto', outcome: 'refused' });
      const reason = parsed.ok ? 'not a produto notification' : parsed.error.reasons.join('; ');
      throw new HttpException({ statusCode: 422, error: 'Unprocessable Entity', message: reason }, 422);
    }
    const dados = parsed.notification.dados;
    if (connection.situation !== 'active') {
      received.inc({ kind: 'produto', outcome: 'ignored' });
      replies.inc({ source: 'inactive' });
      return buildTinyProductWebhookReply(dados, () => ({ error: `A integração está ${connection.situation} no hub: o produto não foi sincronizado.` }));
    }
    const { ack, payload } = await this.intake.store(connection.id, 'produto', raw);
    const request: ProductMapFromTinyRequest = { connectionId: connection.id, rawBody: raw, streamSequence: ack.seq, receivedAt: payload.receivedAt };
    // One item for the product and one per variation: what catalog must answer, and the answer when it does not.
    const fromPayload = buildTinyProductWebhookReply(dados);
    const fromCatalog = await this.askCatalog(request, fromPayload.length);
    replies.inc({ source: fromCatalog ? 'catalog' : 'payload' });
    return fromCatalog ?? fromPayload;
  }

  private async askCatalog(request: ProductMapFromTinyRequest, expected: number): Promise<ProductMappingItemV1[] | undefined> {
    try {
      const answer = await this.rpc.ask<ProductMapFromTinyReply>(ProductRpcSubjects.mapFromTiny, request, PRODUCT_REPLY_DEADLINE_MS);
      if (Array.isArray(answer?.items) && answer.items.length === expected && answer.items.every(isMappingItem)) return answer.items;
      this.logger.warn({ msg: 'catalog answered an unexpected product mapping; answering from the payload', connectionId: request.connectionId });
    } catch (error) {
      this.logger.warn({ msg: 'catalog did not answer the product mapping in time; answering from the payload', connectionId: request.connectionId, err: (error as Error).message });
    }
    return undefined;
  }
}

function isMappingItem(item: unknown): item is ProductMappingItemV1 {
  return typeof item === 'object' && item !== null && typeof (item as ProductMappingItemV1).idMapeamento === 'string' && typeof (item as ProductMappingItemV1).skuMapeamento === 'string';
}
