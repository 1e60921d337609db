import type { NextFunction, Request, Response } from 'express';
import { CORRELATION_HEADER, currentContext, runWithContext } from './request-context';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Every HTTP request runs in a context with a correlation id (the caller's, if sane), echoed back. */
export function correlationMiddleware(req: Request, res: Response, next: NextFunction): void {
  const given = req.headers[CORRELATION_HEADER];
  const correlationId = typeof given === 'string' && SAFE_ID.test(given) ? given : undefined;
  runWithContext({ correlationId }, () => {
    res.setHeader(CORRELATION_HEADER, currentContext()!.correlationId);
    next();
  });
}
