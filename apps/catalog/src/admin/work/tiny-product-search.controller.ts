import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { runInLane } from '@hub/budget';
import { WorkRpcSubjects, type RpcFailure, type TinyProductSearchItem, type TinyProductSearchQuery } from '@hub/contracts';
import { ConnectionClients } from '@hub/integrations';
import { describeError } from '@hub/work';
import { bindConnection } from '@hub/platform';

/** Tiny's `produtos.pesquisa` for the SKU de-para screen: by code or GTIN, exact matches first, in the normal lane. */
@Controller()
export class TinyProductSearchController {
  constructor(private readonly clients: ConnectionClients) {}

  @MessagePattern(WorkRpcSubjects.tinyProductSearch)
  async search(@Payload() q: TinyProductSearchQuery): Promise<{ items: TinyProductSearchItem[] } | RpcFailure> {
    const term = q.q?.trim();
    if (!term) return { error: { status: 400, message: 'q is required' } };
    bindConnection(q.connectionId);
    try {
      const { tiny } = await this.clients.forActive(q.connectionId);
      const found = await runInLane('normal', () => tiny.searchProducts(term));
      const exact = (p: { sku?: string; gtin?: string }) => (p.sku === term || p.gtin === term ? 0 : 1);
      const items = [...found].sort((a, b) => exact(a) - exact(b)).map((p) => ({ id: p.id, code: p.sku ?? null, name: p.name ?? '', gtin: p.gtin ?? null, situation: p.situation ?? null }));
      return { items };
    } catch (error) {
      const described = describeError(error);
      return { error: { status: described.kind === 'not-found' ? 404 : 422, message: `Tiny product search failed: ${described.message}` } };
    }
  }
}
