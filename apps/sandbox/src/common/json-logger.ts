import type { LoggerService } from '@nestjs/common';

type Level = 'debug' | 'info' | 'warn' | 'error';

export function writeJsonLine(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, service: 'sandbox', msg: message, ...fields })}\n`);
}

/** Nest logger that writes one JSON object per line, so the sandbox's logs can be parsed like the services'. */
export class JsonLogger implements LoggerService {
  log(message: unknown, context?: string): void {
    writeJsonLine('info', String(message), { context });
  }

  error(message: unknown, trace?: string, context?: string): void {
    writeJsonLine('error', String(message), { context, trace });
  }

  warn(message: unknown, context?: string): void {
    writeJsonLine('warn', String(message), { context });
  }

  debug(message: unknown, context?: string): void {
    writeJsonLine('debug', String(message), { context });
  }

  verbose(message: unknown, context?: string): void {
    writeJsonLine('debug', String(message), { context });
  }
}
