import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { sendIderisAnswer } from './ideris-answer';
import { IderisCallService, NO_CONTENT } from './ideris-call.service';
import { IderisDataStore, type IderisOrder } from './ideris-data.store';
import { IderisHttpError } from './ideris-http.error';
import { parseOrderQuery, searchOrders } from './ideris-order.search';

@Controller('ideris')
export class IderisOrdersController {
  constructor(
    private readonly calls: IderisCallService,
    private readonly data: IderisDataStore,
  ) {}

  @Get('order/search')
  async search(@Query() query: Record<string, unknown>, @Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    const answer = await this.calls.run('order/search', auth, (account) => {
      const page = searchOrders(this.data.of(account.privateKey).orders, parseOrderQuery(query));
      page?.obj.forEach(failOnCorruptRecord);
      return page ?? NO_CONTENT;
    });
    sendIderisAnswer(res, answer);
  }

  @Get('order/:id')
  async byId(@Param('id') id: string, @Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    const answer = await this.calls.run('order', auth, (account) => {
      const order = this.data.of(account.privateKey).orders.find((candidate) => String(candidate.id) === id);
      // Ideris's "not found" is 204 with no body (docs/contracts.md#ideris-order-detail).
      if (!order) return NO_CONTENT;
      failOnCorruptRecord(order);
      return { obj: order };
    });
    sendIderisAnswer(res, answer);
  }

  @Get('settings/marketplace')
  async marketplaces(@Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    const answer = await this.calls.run('settings/marketplace', auth, (account) => ({
      obj: this.data.of(account.privateKey).marketplaces,
    }));
    sendIderisAnswer(res, answer);
  }
}

/** One bad value typed in the panel (e.g. quantity `300O`) makes every page holding it fail with a .NET message. */
function failOnCorruptRecord(order: IderisOrder): void {
  for (const item of order.items) {
    if (typeof item.quantity === 'string') {
      throw new IderisHttpError(500, {
        Message: 'An error has occurred.',
        ExceptionMessage: `Input string '${String(item.quantity)}' was not in a correct format.`,
        ExceptionType: 'System.FormatException',
      });
    }
  }
}
