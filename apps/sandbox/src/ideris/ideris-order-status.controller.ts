import { All, Body, Controller, Headers, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { sendIderisAnswer } from './ideris-answer';
import { IderisCallService } from './ideris-call.service';
import { IderisDataStore } from './ideris-data.store';
import { IDERIS_SYSTEM_STATUSES } from './ideris-statuses';
import { badRequest, findOrder, requireFields } from './ideris-writes.controller';

/** The call-accounting name of the status write (`GET /order/{id}` is `order`). */
export const IDERIS_STATUS_WRITE_ENDPOINT = 'put order';

/**
 * The order status write, as a production client makes it: `PUT /order {orderId, statusId}`
 * (docs/contracts.md#ideris-order-status). The legacy-looking `PUT /order/status` is not a route: ASP.NET Web API
 * answers a path it knows for another verb (`GET order/{id}`) with 405 and its own message.
 */
@Controller('ideris')
export class IderisOrderStatusController {
  constructor(
    private readonly calls: IderisCallService,
    private readonly data: IderisDataStore,
  ) {}

  @Put('order')
  async changeStatus(@Body() body: unknown, @Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    sendIderisAnswer(
      res,
      await this.calls.run(IDERIS_STATUS_WRITE_ENDPOINT, auth, (account) => {
        const fields = requireFields(body, { orderId: 'number', statusId: 'number' });
        const accountData = this.data.of(account.privateKey);
        const order = findOrder(accountData, fields['orderId']);
        const status = IDERIS_SYSTEM_STATUSES.find((candidate) => candidate.id === fields['statusId']);
        if (!status) throw badRequest('statusId', `Status ${String(fields['statusId'])} não encontrado.`);
        // ASSUMPTION (docs/contracts.md#ideris-order-status): a cancellation that came from the marketplace is final;
        // Ideris refuses to move such an order.
        if (order.cancelledByMarketplace) {
          this.data.recordChange(accountData, { orderId: order.id, kind: 'status', by: 'api', value: String(status.id), previous: String(order.statusId), refused: true });
          throw badRequest('statusId', 'Pedido cancelado no marketplace: o status não pode ser alterado.');
        }
        this.data.recordChange(accountData, { orderId: order.id, kind: 'status', by: 'api', value: String(status.id), previous: String(order.statusId) });
        order.statusId = status.id;
        order.statusDescription = status.description;
        return { obj: { orderId: order.id, statusId: order.statusId, statusDescription: order.statusDescription } };
      }),
    );
  }

  @All('order/status')
  notARoute(@Req() req: Request, @Res() res: Response): void {
    sendIderisAnswer(res, { status: 405, body: { Message: `The requested resource does not support http method '${req.method}'.` }, headers: { allow: 'GET' } });
  }
}
