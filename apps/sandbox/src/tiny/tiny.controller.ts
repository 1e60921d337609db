import { All, Controller, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { mergedParams } from '../common/request-params';
import { TinyCallService } from './tiny-call.service';

@Controller('tiny/api2')
export class TinyController {
  constructor(private readonly calls: TinyCallService) {}

  @All(':script')
  async handle(@Param('script') script: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const answer = await this.calls.call(script, mergedParams(req));
    if (answer.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    res.status(answer.status).set(answer.headers);
    if (answer.kind === 'json') res.json(answer.body);
    else res.type(answer.contentType).send(answer.body);
  }
}
