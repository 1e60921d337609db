import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ProductImportBody, ProductRpcSubjects, type ProductImportQuery, type ProductImportStart, type ProductImportView, type RpcFailure } from '@hub/contracts';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ProductImportsRepository, toImportView, type ProductImportRow } from '../ideris-to-tiny/product-imports.repository';
import { TinyProductWriter } from '../ideris-to-tiny/tiny-product-writer';

/** Imports from Ideris on demand (all, or a list of SKUs) and their progress, over NATS request/reply. */
@Controller()
export class ProductImportAdminController {
  constructor(private readonly imports: ProductImportsRepository, private readonly writer: TinyProductWriter) {}

  @MessagePattern(ProductRpcSubjects.importStart)
  async start(@Payload() q: ProductImportStart): Promise<ProductImportView | RpcFailure> {
    const body = plainToInstance(ProductImportBody, { skus: q.skus });
    const errors = await validate(body);
    if (errors.length > 0) return { error: { status: 400, message: errors.flatMap((error) => Object.values(error.constraints ?? {})).join('; ') } };
    const skus = body.skus && body.skus.length > 0 ? body.skus : null;
    const { started, row } = await this.imports.start(q.connectionId, 'admin', skus);
    if (!started) return { error: { status: 409, message: `import ${row.id} is still running for this connection (${row.state}); follow it or wait for it to finish` } };
    this.writer.wake(q.connectionId);
    return this.view(row);
  }

  @MessagePattern(ProductRpcSubjects.importList)
  async list(@Payload() q: { connectionId: string; limit?: number }): Promise<{ imports: ProductImportView[] }> {
    const rows = await this.imports.list(q.connectionId, Math.min(Math.max(Number(q.limit ?? 20) || 20, 1), 100));
    return { imports: await Promise.all(rows.map((row) => this.view(row))) };
  }

  @MessagePattern(ProductRpcSubjects.importGet)
  async get(@Payload() q: ProductImportQuery): Promise<ProductImportView | RpcFailure> {
    const row = await this.imports.get(q.connectionId, String(q.id));
    return row ? this.view(row) : { error: { status: 404, message: `no product import ${q.id} for this connection` } };
  }

  private async view(row: ProductImportRow): Promise<ProductImportView> {
    return toImportView(row, await this.imports.remaining(String(row.id)));
  }
}
