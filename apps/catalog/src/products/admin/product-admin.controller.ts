import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  PRODUCT_SYNC_DIRECTIONS,
  PRODUCT_SYNC_STATES,
  ProductRpcSubjects,
  type ProductDetailView,
  type ProductListQuery,
  type ProductQuery,
  type ProductSyncView,
  type RpcFailure,
} from '@hub/contracts';
import { ProductSyncRepository } from '../product-sync.repository';
import { IderisProductPusher } from '../tiny-to-ideris/ideris-product-pusher';
import { TinyProductWriter } from '../ideris-to-tiny/tiny-product-writer';
import { ProductViews } from './product-views';

function fail(status: RpcFailure['error']['status'], message: string): RpcFailure {
  return { error: { status, message } };
}

/** Product bindings, their sync state and reprocessing, over NATS request/reply; the gateway exposes them as REST. */
@Controller()
export class ProductAdminController {
  constructor(
    private readonly views: ProductViews,
    private readonly products: ProductSyncRepository,
    private readonly pusher: IderisProductPusher,
    private readonly writer: TinyProductWriter,
  ) {}

  @MessagePattern(ProductRpcSubjects.list)
  async list(@Payload() q: ProductListQuery): Promise<{ products: ProductSyncView[] } | RpcFailure> {
    if (q.state !== undefined && !PRODUCT_SYNC_STATES.includes(q.state)) return fail(400, `state must be one of ${PRODUCT_SYNC_STATES.join(', ')}`);
    if (q.direction !== undefined && !PRODUCT_SYNC_DIRECTIONS.includes(q.direction)) return fail(400, `direction must be one of ${PRODUCT_SYNC_DIRECTIONS.join(', ')}`);
    const limit = Math.min(Math.max(Number(q.limit ?? 100) || 100, 1), 500);
    const offset = Math.max(Number(q.offset ?? 0) || 0, 0);
    return { products: await this.views.list({ ...q, limit, offset }) };
  }

  @MessagePattern(ProductRpcSubjects.get)
  async get(@Payload() q: ProductQuery): Promise<ProductDetailView | RpcFailure> {
    return (await this.views.get(q.connectionId, q.sku)) ?? fail(404, `no product ${q.sku} for this connection`);
  }

  @MessagePattern(ProductRpcSubjects.reprocess)
  async reprocess(@Payload() q: ProductQuery): Promise<ProductDetailView | RpcFailure> {
    const view = await this.views.get(q.connectionId, q.sku);
    if (!view) return fail(404, `no product ${q.sku} for this connection`);
    const result = await this.products.reprocess(q.connectionId, view.sku);
    if (!result) return fail(404, `no product ${q.sku} for this connection`);
    if (result.refused) return fail(409, result.refused);
    if (result.row?.direction === 'to-ideris') this.pusher.wake(q.connectionId);
    else this.writer.wake(q.connectionId);
    return (await this.views.get(q.connectionId, view.sku))!;
  }
}
