import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { HttpException, Logger, NotFoundException } from '@nestjs/common';
import { webhookErrorAnswer } from '../common/outage.filter';
import { installTinyWebhookFastPath, matchTinyWebhook } from './tiny-webhook.fast-path';
import type { TinyWebhookReceiver } from './tiny-webhook.receiver';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const SECRET = 'abcdefghijklmnopqrstuvwxyzAB-_09';

describe('the Tiny webhook fast path', () => {
  it.each([
    [`/webhooks/tiny/${ID}/${SECRET}`, { connectionId: ID, secret: SECRET, kind: undefined }],
    [`/webhooks/tiny/${ID}/${SECRET}/estoque`, { connectionId: ID, secret: SECRET, kind: 'estoque' }],
    [`/webhooks/tiny/${ID}/${SECRET}/nota_fiscal/`, { connectionId: ID, secret: SECRET, kind: 'nota_fiscal' }],
    [`/webhooks/tiny/${ID}/${SECRET}/estoque?x=1&y=%20`, { connectionId: ID, secret: SECRET, kind: 'estoque' }],
    [`/webhooks/tiny/not-a-uuid/s`, { connectionId: 'not-a-uuid', secret: 's', kind: undefined }],
  ])('takes POST %s', (url, target) => {
    expect(matchTinyWebhook('POST', url)).toEqual(target);
  });

  it.each([
    ['GET', `/webhooks/tiny/${ID}/${SECRET}`],
    ['PUT', `/webhooks/tiny/${ID}/${SECRET}/estoque`],
    ['POST', `/Webhooks/Tiny/${ID}/${SECRET}`],
    ['POST', `/webhooks/tiny/${ID}`],
    ['POST', `/webhooks/tiny/${ID}/`],
    ['POST', `/webhooks/tiny/${ID}/${SECRET}/estoque/extra`],
    ['POST', `/webhooks/tiny/${ID}//estoque`],
    ['POST', `/webhooks/tiny/${ID}/${SECRET}/estoque//`],
    ['POST', `/webhooks/tiny/${ID}/abc%2Fdef/estoque`],
    ['POST', `/webhooks/tinyx/${ID}/${SECRET}`],
    ['POST', `http://hub.example.test/webhooks/tiny/${ID}/${SECRET}`],
    ['POST', `/api/v1/connections`],
  ])('leaves %s %s to express and Nest', (method, url) => {
    expect(matchTinyWebhook(method, url)).toBeUndefined();
  });

  it('answers what it takes itself and hands every other request to the listener it replaced', async () => {
    const seenByExpress: string[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      seenByExpress.push(`${req.method} ${req.url}`);
      res.end('express');
    });
    const receiver = { receive: jest.fn(async (_id: string, _secret: string, kind: string | undefined) => ({ status: 'accepted', kind })) };
    installTinyWebhookFastPath(server, receiver as unknown as TinyWebhookReceiver);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as { port: number }).port;
    const call = (method: string, path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>((done, fail) => {
        const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => done({ status: res.statusCode!, headers: res.headers, body }));
        });
        req.on('error', fail).end();
      });
    try {
      const fast = await call('POST', `/webhooks/tiny/${ID}/${SECRET}/estoque`, { 'x-correlation-id': 'corr-1' });
      expect(fast).toMatchObject({ status: 200, body: '{"status":"accepted","kind":"estoque"}' });
      expect(fast.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(fast.headers['x-correlation-id']).toBe('corr-1');
      expect(receiver.receive).toHaveBeenCalledWith(ID, SECRET, 'estoque', expect.anything());
      expect((await call('GET', `/webhooks/tiny/${ID}/${SECRET}`)).body).toBe('express');
      expect((await call('POST', '/api/v1/connections')).body).toBe('express');
      expect(seenByExpress).toEqual([`GET /webhooks/tiny/${ID}/${SECRET}`, 'POST /api/v1/connections']);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });

  describe('errors, answered as the outage filter answers them through Nest', () => {
    it('an HttpException: its status and body, no Retry-After', () => {
      expect(webhookErrorAnswer(new NotFoundException('unknown webhook endpoint'))).toEqual({ status: 404, body: { message: 'unknown webhook endpoint', error: 'Not Found', statusCode: 404 } });
      expect(webhookErrorAnswer(new HttpException('plain', 422))).toEqual({ status: 422, body: { statusCode: 422, message: 'plain' } });
    });

    it('a 503 HttpException (the PubAck did not come): its body, with Retry-After', () => {
      const body = { statusCode: 503, error: 'Service Unavailable', message: 'the notification could not be stored; retry later' };
      expect(webhookErrorAnswer(new HttpException(body, 503))).toEqual({ status: 503, body, retryAfter: expect.stringMatching(/^\d+$/) });
    });

    it('anything else (a dependency failing): 503 with Retry-After, never a 500', () => {
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      expect(webhookErrorAnswer(new Error('connect ECONNREFUSED'))).toEqual({
        status: 503,
        body: { statusCode: 503, error: 'Service Unavailable', message: 'a dependency (database or message broker) is unavailable; retry later' },
        retryAfter: expect.stringMatching(/^\d+$/),
      });
    });
  });
});
