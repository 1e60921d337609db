import { Body, Controller, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { sendIderisAnswer } from './ideris-answer';
import { IderisAuthService } from './ideris-auth.service';
import { IderisHttpError } from './ideris-http.error';

@Controller('ideris')
export class IderisLoginController {
  constructor(private readonly auth: IderisAuthService) {}

  /** Express routes are case-insensitive, so the `/Login` spelling some clients use works too. */
  @Post('login')
  login(@Body() body: unknown, @Res() res: Response): void {
    try {
      // The JWT comes back as a JSON string literal, quotes included.
      sendIderisAnswer(res, { status: 200, body: this.auth.login(body), headers: {} });
    } catch (error: unknown) {
      if (!(error instanceof IderisHttpError)) throw error;
      sendIderisAnswer(res, { status: error.status, body: error.body, headers: error.headers });
    }
  }
}
