import { Controller, Get, HttpCode, HttpStatus, Inject, Module, Res, type DynamicModule, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Response } from 'express';

/** A dependency the service cannot serve without (PostgreSQL, NATS). */
export interface HealthIndicator {
  readonly name: string;
  check(): Promise<void>;
}

const INDICATORS = Symbol('HEALTH_INDICATORS');

@Controller('health')
export class HealthController {
  constructor(@Inject(INDICATORS) private readonly tokens: Type<HealthIndicator>[], private readonly moduleRef: ModuleRef) {}

  /** Liveness: the event loop answers. Never depends on PostgreSQL or NATS, or a blip restarts every pod. */
  @Get('live')
  @HttpCode(HttpStatus.OK)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const results = await Promise.all(
      this.tokens.map(async (token) => {
        const indicator = this.moduleRef.get(token, { strict: false });
        const started = Date.now();
        try {
          await withTimeout(indicator.check(), 2000);
          return { name: indicator.name, status: 'up' as const, ms: Date.now() - started };
        } catch (error) {
          return { name: indicator.name, status: 'down' as const, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const ok = results.every((r) => r.status === 'up');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not-ready', checks: results });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

@Module({})
export class HealthModule {
  static register(indicators: Type<HealthIndicator>[]): DynamicModule {
    return { module: HealthModule, controllers: [HealthController], providers: [{ provide: INDICATORS, useValue: indicators }] };
  }
}
