import type { IncomingMessage, Server, ServerResponse } from './http-types';
import { correlationMiddleware } from '@hub/platform';
import { webhookErrorAnswer } from '../common/outage.filter';
import type { TinyWebhookReceiver } from './tiny-webhook.receiver';

/** The route's parameters, when a request is one the fast path takes. */
export interface TinyWebhookTarget {
  connectionId: string;
  secret: string;
  kind: string | undefined;
}

const PREFIX = '/webhooks/tiny/';
/** Unreserved URL characters only: the segment is its own decoding, exactly what express would hand Nest. */
const SEGMENT = /^[A-Za-z0-9._~-]+$/;
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * POST /webhooks/tiny/:connectionId/:secret[/:kind] (one trailing slash allowed, the query ignored, as express
 * routes it), with plain segments; anything else — another method, another case, a percent-encoded or empty
 * segment — is left to express and Nest, which answer it as they always did.
 */
export function matchTinyWebhook(method: string | undefined, url: string | undefined): TinyWebhookTarget | undefined {
  if (method !== 'POST' || url === undefined || !url.startsWith(PREFIX)) return undefined;
  const query = url.indexOf('?');
  let rest = url.slice(PREFIX.length, query < 0 ? undefined : query);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  const parts = rest.split('/');
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => SEGMENT.test(p))) return undefined;
  return { connectionId: parts[0]!, secret: parts[1]!, kind: parts[2] };
}

function send(res: ServerResponse, status: number, body: unknown, retryAfter?: string): void {
  if (res.headersSent) return;
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', JSON_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(payload));
  if (retryAfter !== undefined) res.setHeader('Retry-After', retryAfter);
  res.end(payload);
}

/** Answers one Tiny notification without express or Nest: the same receiver, the same answers as the controller. */
export function handleTinyWebhook(receiver: TinyWebhookReceiver, target: TinyWebhookTarget, req: IncomingMessage, res: ServerResponse): void {
  correlationMiddleware(req, res, () => {
    receiver.receive(target.connectionId, target.secret, target.kind, req).then(
      (body) => send(res, 200, body),
      (error: unknown) => {
        const answer = webhookErrorAnswer(error);
        send(res, answer.status, answer.body, answer.retryAfter);
      },
    );
  });
}

/**
 * Puts the webhook fast path in front of whatever serves `server`'s requests (the express app Nest built): Tiny's
 * notifications skip express's and Nest's routing, guards, interceptors, pipes and filters — the hot route is
 * the intake's own checks and the PubAck, nothing else. Call before `listen`.
 */
export function installTinyWebhookFastPath(server: Server, receiver: TinyWebhookReceiver): void {
  const others = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const target = matchTinyWebhook(req.method, req.url);
    if (target) return handleTinyWebhook(receiver, target, req, res);
    for (const listener of others) listener.call(server, req, res);
  });
}
