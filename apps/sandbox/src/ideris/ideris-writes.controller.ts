import { Body, Controller, Headers, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { isRecord } from '../common/request-params';
import { sendIderisAnswer } from './ideris-answer';
import { IderisCallService } from './ideris-call.service';
import { IderisDataStore, type IderisAccountData, type IderisListingModel, type IderisOrder } from './ideris-data.store';
import { createListingModel, parseListingModelBody, updateListingModel } from './ideris-listing-model.wire';
import { IderisHttpError } from './ideris-http.error';

/**
 * ASSUMPTION (all routes here; docs/contracts.md#ideris-invoice-write, #ideris-tracking-write, #ideris-listing-model-writes):
 * the v3 bodies of these writes are not public. Each follows the legacy contract it replaces, renamed to v3's English
 * camelCase (`POST /NotaFiscal` → `POST /order/invoice`), answers `{obj}` like the reads, and refuses a bad body with
 * ASP.NET's 400 `ModelState`. libs/ideris sends exactly these. The status write is in ideris-order-status.controller.ts.
 */
@Controller('ideris')
export class IderisWritesController {
  constructor(
    private readonly calls: IderisCallService,
    private readonly data: IderisDataStore,
  ) {}

  @Post('order/invoice')
  async invoice(@Body() body: unknown, @Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    sendIderisAnswer(
      res,
      await this.calls.run('order/invoice', auth, (account) => {
        const fields = requireFields(body, { orderId: 'number', key: 'string', number: 'string', series: 'string', issuedAt: 'string' });
        if (!/^\d{44}$/.test(String(fields['key']))) throw badRequest('key', 'A chave da nota fiscal deve ter 44 dígitos.');
        const accountData = this.data.of(account.privateKey);
        const order = findOrder(accountData, fields['orderId']);
        const danfeUrl = isRecord(body) && typeof body['danfeUrl'] === 'string' ? body['danfeUrl'] : undefined;
        this.data.recordChange(accountData, { orderId: order.id, kind: 'invoice', by: 'api', value: String(fields['key']), previous: order.invoice?.key });
        order.invoice = { key: String(fields['key']), number: String(fields['number']), series: String(fields['series']), issuedAt: String(fields['issuedAt']), danfeUrl };
        return { obj: { orderId: order.id, ...order.invoice } };
      }),
    );
  }

  /** ASSUMPTION (docs/contracts.md#ideris-v3-invoice-cancel) (see libs/ideris `cancelInvoice`): the invoice the order holds, by its key, becomes cancelled. */
  @Post('order/invoice/cancel')
  async cancelInvoice(@Body() body: unknown, @Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    sendIderisAnswer(
      res,
      await this.calls.run('order/invoice/cancel', auth, (account) => {
        const fields = requireFields(body, { orderId: 'number', key: 'string' });
        const accountData = this.data.of(account.privateKey);
        const order = findOrder(accountData, fields['orderId']);
        if (order.invoice?.key !== fields['key']) throw badRequest('key', 'O pedido não tem nota fiscal com essa chave.');
        this.data.recordChange(accountData, { orderId: order.id, kind: 'invoice', by: 'api', value: `cancelled:${order.invoice.key}`, previous: order.invoice.key });
        order.invoice = { ...order.invoice, cancelled: true };
        return { obj: { orderId: order.id, ...order.invoice } };
      }),
    );
  }

  @Post('order/tracking')
  async tracking(@Body() body: unknown, @Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    sendIderisAnswer(
      res,
      await this.calls.run('order/tracking', auth, (account) => {
        const fields = requireFields(body, { orderId: 'number', trackingCode: 'string' });
        const accountData = this.data.of(account.privateKey);
        const order = findOrder(accountData, fields['orderId']);
        this.data.recordChange(accountData, { orderId: order.id, kind: 'tracking', by: 'api', value: String(fields['trackingCode']), previous: order.deliveryTrackingCode ?? undefined });
        order.deliveryTrackingCode = String(fields['trackingCode']);
        order.trackingUrl = isRecord(body) && typeof body['trackingUrl'] === 'string' ? body['trackingUrl'] : undefined;
        order.carrier = isRecord(body) && typeof body['carrier'] === 'string' ? body['carrier'] : undefined;
        return { obj: { orderId: order.id, trackingCode: order.deliveryTrackingCode, trackingUrl: order.trackingUrl, carrier: order.carrier } };
      }),
    );
  }

  /** Price lives on the listing model (v3 reads it per variant at `/listingModel/{id}/price`). */
  @Put('listingModel/price')
  async price(@Body() body: unknown, @Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    sendIderisAnswer(
      res,
      await this.calls.run('listingModel/price', auth, (account) => {
        const fields = requireFields(body, { listingModelId: 'number', value: 'number' });
        const accountData = this.data.of(account.privateKey);
        const model = findModel(accountData, fields['listingModelId']);
        if (Number(fields['value']) <= 0) throw badRequest('value', 'O valor deve ser maior que zero.');
        this.data.recordCatalogChange(accountData, { kind: 'price', sku: model.sku, listingModelId: model.id, value: Number(fields['value']), previous: model.value });
        model.value = Number(fields['value']);
        return { obj: { listingModelId: model.id, value: model.value } };
      }),
    );
  }

  /** Creates the SKU (and one per variant) and its listing model. Synchronous here (legacy was asynchronous). */
  @Post('listingModel')
  async createModel(@Body() body: unknown, @Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    sendIderisAnswer(
      res,
      await this.calls.run('listingModel', auth, (account) => ({ obj: createListingModel(this.data, this.data.of(account.privateKey), parseListingModelBody(body, true)) })),
    );
  }

  @Put('listingModel')
  async updateModel(@Body() body: unknown, @Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    sendIderisAnswer(
      res,
      await this.calls.run('listingModel', auth, (account) => {
        const fields = requireFields(body, { id: 'number' });
        const accountData = this.data.of(account.privateKey);
        const model = findModel(accountData, fields['id']);
        return { obj: updateListingModel(this.data, accountData, model, parseListingModelBody(body, false)) };
      }),
    );
  }
}

export function requireFields(body: unknown, spec: Record<string, 'string' | 'number'>): Record<string, string | number> {
  if (!isRecord(body)) throw badRequest('body', 'The request is invalid.');
  const fields: Record<string, string | number> = {};
  for (const [name, type] of Object.entries(spec)) {
    const value = body[name];
    if (typeof value !== type || (type === 'string' && String(value).trim() === '')) throw badRequest(name, `The ${name} field is required.`);
    fields[name] = value as string | number;
  }
  return fields;
}

export function badRequest(field: string, message: string): IderisHttpError {
  return new IderisHttpError(400, { Message: 'The request is invalid.', ModelState: { [field]: [message] } });
}

export function findOrder(accountData: IderisAccountData, id: string | number): IderisOrder {
  const order = accountData.orders.find((candidate) => candidate.id === Number(id));
  if (!order) throw new IderisHttpError(404, { Message: 'Pedido não encontrado.' });
  return order;
}

function findModel(accountData: IderisAccountData, id: string | number): IderisListingModel {
  const model = accountData.listingModels.find((candidate) => candidate.id === Number(id));
  if (!model) throw new IderisHttpError(404, { Message: 'Modelo de anúncio não encontrado.' });
  return model;
}
