import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORRELATION_HEADER, currentContext, runWithContext } from './request-context';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Every HTTP request runs in a context with a correlation id (the caller's, if sane), echoed back. Plain Node
 * request and response, so a raw handler in front of express (the gateway's webhook fast path) uses it too.
 */
export function correlationMiddleware(req: Pick<IncomingMessage, 'headers'>, res: Pick<ServerResponse, 'setHeader'>, next: () => void): void {
  const given = req.headers[CORRELATION_HEADER];
  const correlationId = typeof given === 'string' && SAFE_ID.test(given) ? given : undefined;
  runWithContext({ correlationId }, () => {
    res.setHeader(CORRELATION_HEADER, currentContext()!.correlationId);
    next();
  });
}
