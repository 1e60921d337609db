import type { LoggerService, LogLevel } from '@nestjs/common';
import pino from 'pino';
import { currentContext } from './request-context';

/**
 * Paths pino blanks before a line is written: tokens, keys and CPFs must never reach a log in full,
 * even when someone logs a whole object by mistake.
 */
const REDACT_PATHS = [
  'token', '*.token', 'tinyToken', '*.tinyToken', 'privateKey', '*.privateKey', 'iderisPrivateKey', '*.iderisPrivateKey',
  'authorization', '*.authorization', 'headers.authorization', 'secret', '*.secret', 'webhookSecret', '*.webhookSecret',
  'cpf', '*.cpf', 'cpfCnpj', '*.cpfCnpj', 'cpf_cnpj', '*.cpf_cnpj', 'password', '*.password',
];

export type HubLogger = pino.Logger;

export function createRootLogger(service: string, level = process.env['LOG_LEVEL'] ?? 'info'): HubLogger {
  return pino({
    level,
    base: { service },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    mixin() {
      const ctx = currentContext();
      return ctx ? { correlationId: ctx.correlationId, connectionId: ctx.connectionId } : {};
    },
  });
}

/** Nest's LoggerService on top of pino, so framework lines are JSON with the same context fields. */
export class JsonLogger implements LoggerService {
  constructor(private readonly root: HubLogger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }
  setLogLevels(levels: LogLevel[]): void {
    if (levels.includes('debug') || levels.includes('verbose')) this.root.level = 'debug';
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    // Nest passes the context (class name) last; an Error stack may come before it.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    if (message instanceof Error) {
      this.root[level]({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.root[level]({ context, ...message });
    } else {
      this.root[level]({ context, stack }, String(message));
    }
  }
}
