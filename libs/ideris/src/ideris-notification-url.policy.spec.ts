import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IderisApiError } from './ideris-api.error';
import { IderisClient } from './ideris-client';
import { checkNotificationUrl, isPublicAddress, NotificationUrlError } from './ideris-notification-url.policy';
import { IderisNotificationUrlsApi } from './ideris-notification-urls.api';

const DNS: Record<string, string[]> = {
  'receiver.ideris.example': ['203.0.113.10'],
  'inside.example': ['10.1.2.3'],
  'mixed.example': ['203.0.113.10', '127.0.0.1'],
  'metadata.example': ['169.254.169.254'],
  'v6.example': ['2001:db8::1', 'fd00::1'],
};
const resolve = async (host: string): Promise<string[]> => {
  const found = DNS[host];
  if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found;
};

async function problemOf(url: string, allowPrivateAddresses = false): Promise<string | undefined> {
  try {
    await checkNotificationUrl(url, 'url:nota-fiscal', { allowPrivateAddresses, resolve });
    return undefined;
  } catch (error) {
    if (error instanceof NotificationUrlError) return error.problem;
    throw error;
  }
}

describe('which notification URLs the hub posts to', () => {
  it.each<[string, boolean, string | undefined]>([
    ['https://receiver.ideris.example/hook/abc', false, undefined],
    ['http://receiver.ideris.example/hook/abc', false, undefined],
    ['ftp://receiver.ideris.example/hook', false, 'url_rejected'],
    ['file:///etc/passwd', true, 'url_rejected'],
    ['not a url', true, 'url_rejected'],
    ['http://127.0.0.1:3100/ideris/notifications/x/nota-fiscal', false, 'url_rejected'],
    ['http://127.0.0.1:3100/ideris/notifications/x/nota-fiscal', true, undefined],
    ['http://localhost/x', false, 'url_rejected'],
    ['http://inside.example/x', false, 'url_rejected'],
    ['http://inside.example/x', true, undefined],
    ['http://mixed.example/x', false, 'url_rejected'],
    ['http://metadata.example/latest', false, 'url_rejected'],
    ['http://v6.example/x', false, 'url_rejected'],
    ['http://[::1]/x', false, 'url_rejected'],
    ['http://[::ffff:127.0.0.1]/x', false, 'url_rejected'],
    ['http://[fe80::1]/x', false, 'url_rejected'],
    ['http://192.168.0.10/x', false, 'url_rejected'],
    ['http://172.20.0.1/x', false, 'url_rejected'],
    ['http://nowhere.example/x', false, 'url_rejected'],
  ])('%s (private allowed: %s) → %s', async (url, allowPrivate, expected) => {
    expect(await problemOf(url.replace('localhost', 'inside.example'), allowPrivate)).toBe(expected);
  });

  it.each([
    ['8.8.8.8', true],
    ['203.0.113.10', true],
    ['2001:4860:4860::8888', true],
    ['100.64.1.1', false],
    ['0.0.0.0', false],
    ['::', false],
    ['fc00::1', false],
  ])('%s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('IderisClient.postToUrl towards a real HTTP server', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ method: string; url: string }> = [];
  let answer: (req: IncomingMessage) => { status: number; headers?: Record<string, string>; body?: string } = () => ({ status: 200 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '' });
      req.resume();
      req.on('end', () => {
        const { status, headers, body } = answer(req);
        res.writeHead(status, headers);
        res.end(body ?? '');
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  beforeEach(() => (seen.length = 0));

  const client = () => new IderisClient({ baseUrl: 'http://unused.test', privateKey: 'k' });
  const post = async () => client().postToUrl(`${base}/hook/seller-secret-token/nota-fiscal`, { a: 1 }, 'nota-fiscal').catch((error: unknown) => error);

  it.each([301, 302, 303, 307, 308])('a %s is an operator problem with the Location masked, not followed, not a success', async (status) => {
    answer = (req) => (req.method === 'POST' ? { status, headers: { location: `${base}/elsewhere/other-secret-token/ok` } } : { status: 200, body: 'got it' });
    const error = await post();
    expect(error).toBeInstanceOf(NotificationUrlError);
    expect(error).toMatchObject({ problem: 'url_rejected', httpStatus: status });
    expect((error as Error).message).toContain(`${base}/••••••••n/ok`);
    expect((error as Error).message).not.toContain('secret-token');
    expect(seen.map((s) => s.method)).toEqual(['POST']);
  });

  it.each<[number, string]>([
    [401, 'url_unauthorised'],
    [403, 'url_unauthorised'],
    [404, 'url_rejected'],
    [410, 'url_rejected'],
  ])('a %s is %s', async (status, problem) => {
    answer = () => ({ status, body: 'nope' });
    expect(await post()).toMatchObject({ problem, httpStatus: status });
  });

  it('keeps no body of the answer: a 2xx is its status, content type and length; an error names no body either', async () => {
    answer = () => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<html>internal admin page</html>' });
    expect(await post()).toEqual({ status: 200, contentType: 'text/html; charset=utf-8', bytes: 32 });
    answer = () => ({ status: 500, headers: { 'content-type': 'text/plain' }, body: 'stack trace with internal-db-password' });
    const error = await post();
    expect(error).toBeInstanceOf(IderisApiError);
    expect(error).toMatchObject({ kind: 'transient', httpStatus: 500 });
    expect((error as Error).message).not.toContain('internal-db-password');
    expect((error as Error).message).toContain('text/plain, 37 bytes');
  });

  it('delivers nothing to a private address unless the policy allows it, and keeps no answer text', async () => {
    answer = () => ({ status: 200, body: 'secret' });
    const notice = { cnpj: '12345678000195', tinyInvoiceId: '7', tinyOrderId: '5', number: '1', series: '1', accessKey: '3'.repeat(44), issuedAt: new Date() };
    const refused = await new IderisNotificationUrlsApi(client(), { allowPrivateAddresses: false }).deliverInvoice(`${base}/hook`, notice).catch((e: unknown) => e);
    expect(refused).toMatchObject({ problem: 'url_rejected' });
    expect(seen).toEqual([]);
    const delivered = await new IderisNotificationUrlsApi(client(), { allowPrivateAddresses: true }).deliverInvoice(`${base}/hook`, notice);
    expect(delivered).toEqual({ httpStatus: 200, contentType: null, bytes: 6, dedupKey: 'nota_fiscal:7:issued' });
  });
});
