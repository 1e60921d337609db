import { Body, Controller, Get, Headers, Param, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { isRecord } from '../common/request-params';
import { sendIderisAnswer } from './ideris-answer';
import { IderisCallService } from './ideris-call.service';
import { IderisDataStore } from './ideris-data.store';
import { IderisHttpError } from './ideris-http.error';
import { IDERIS_PAGE_CAP } from './ideris-order.search';
import { IDERIS_SYSTEM_STATUSES } from './ideris-statuses';

@Controller('ideris')
export class IderisCatalogController {
  constructor(
    private readonly calls: IderisCallService,
    private readonly data: IderisDataStore,
  ) {}

  /** Status catalogue; system statuses plus (in real accounts) seller-defined ones. */
  @Get('status/search')
  async statuses(@Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    sendIderisAnswer(
      res,
      await this.calls.run('status/search', auth, () => ({
        total: IDERIS_SYSTEM_STATUSES.length,
        obj: IDERIS_SYSTEM_STATUSES.map((status) => ({ id: status.id, description: status.description, module: 'Pedido' })),
      })),
    );
  }

  /** `sku` repeatable; no filter = all. ASSUMPTION (docs/contracts.md#ideris-sku-search): unknown SKUs give an empty list (legacy answered 400). */
  @Get('sku/search')
  async skus(@Query() query: Record<string, unknown>, @Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    sendIderisAnswer(
      res,
      await this.calls.run('sku/search', auth, (account) => {
        const wanted = strings(query['sku']);
        const matching = this.data.of(account.privateKey).skus.filter((sku) => wanted.length === 0 || wanted.includes(sku.sku));
        return pageOf(
          matching.map((sku) => ({ id: sku.id, sku: sku.sku, title: sku.title, ean: sku.ean, ncmId: sku.ncmId, originId: sku.originId, stocks: [{ warehouseId: 1, currentStock: sku.currentStock }] })),
          query,
        );
      }),
    );
  }

  /** Absolute stock: `{"sku": "...", "currentStock": n}` — not a delta. */
  @Put('sku/stock')
  async stock(@Body() body: unknown, @Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    sendIderisAnswer(
      res,
      await this.calls.run('sku/stock', auth, (account) => {
        const sku = isRecord(body) && typeof body['sku'] === 'string' ? body['sku'] : undefined;
        const currentStock = isRecord(body) ? body['currentStock'] : undefined;
        if (!sku || typeof currentStock !== 'number' || !Number.isInteger(currentStock) || currentStock < 0) {
          throw new IderisHttpError(400, { Message: 'The request is invalid.', ModelState: { currentStock: ['sku and a non-negative integer currentStock are required.'] } });
        }
        const accountData = this.data.of(account.privateKey);
        const found = accountData.skus.find((candidate) => candidate.sku === sku);
        if (!found) throw new IderisHttpError(404, { Message: `SKU '${sku}' não encontrado.` });
        this.data.recordCatalogChange(accountData, { kind: 'stock', sku: found.sku, value: currentStock, previous: found.currentStock });
        found.currentStock = currentStock;
        // ASSUMPTION (docs/contracts.md#ideris-sku-stock): the success body is not public; we answer the stored values.
        return { obj: { sku: found.sku, currentStock: found.currentStock } };
      }),
    );
  }

  /** NCM by id (`{code}` per public clients; `name` as the "doc oficial" one client quotes). SKUs carry `ncmId`. */
  @Get('ncm/:id')
  async ncm(@Param('id') id: string, @Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    sendIderisAnswer(
      res,
      await this.calls.run('ncm', auth, (account) => {
        const ncm = this.data.of(account.privateKey).ncms.find((candidate) => String(candidate.id) === id);
        if (!ncm) throw new IderisHttpError(404, { Message: 'NCM não encontrado.' });
        return { obj: ncm };
      }),
    );
  }

  @Get('listingModel/search')
  async listingModels(@Query() query: Record<string, unknown>, @Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    sendIderisAnswer(
      res,
      await this.calls.run('listingModel/search', auth, (account) => {
        const sku = strings(query['sku'])[0];
        const id = strings(query['id'])[0];
        const matching = this.data
          .of(account.privateKey)
          .listingModels.filter((model) => (!sku || model.sku === sku || model.variant.some((variant) => variant.sku === sku)) && (!id || String(model.id) === id));
        return pageOf(matching, query);
      }),
    );
  }
}

export function pageOf<T>(items: T[], query: Record<string, unknown>): { total: number; obj: T[] } {
  const offset = Number(strings(query['offset'])[0] ?? 0) || 0;
  const limit = Math.min(Math.max(Number(strings(query['limit'])[0] ?? IDERIS_PAGE_CAP) || IDERIS_PAGE_CAP, 1), IDERIS_PAGE_CAP);
  return { total: items.length, obj: items.slice(offset, offset + limit) };
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
