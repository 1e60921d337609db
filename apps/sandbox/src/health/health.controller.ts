import { Controller, Get } from '@nestjs/common';

/** The sandbox has no database or broker: being able to answer is all "ready" means here. */
@Controller('health')
export class HealthController {
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  ready(): { status: 'ready' } {
    return { status: 'ready' };
  }
}
