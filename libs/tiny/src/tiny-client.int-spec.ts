import type { NestExpressApplication } from '@nestjs/platform-express';
import { controlOf, startSandbox } from '../../../apps/sandbox/src/sandbox-app';
import { TinyApiError } from './tiny-api.error';
import { TinyClient } from './tiny-client';

describe('TinyClient against the sandbox over HTTP', () => {
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    ({ app, base } = await startSandbox());
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    await control('/control/reset', {});
  });

  const control = controlOf(() => base);

  async function account(token: string, limitPerMinute?: number): Promise<TinyClient> {
    await control('/control/tiny/accounts', { token, cnpj: '12345678000190', razaoSocial: 'Loja Exemplo Ltda', email: 'fiscal@loja.example', limitPerMinute });
    return new TinyClient({ baseUrl: `${base}/tiny/api2`, token });
  }

  async function failure(promise: Promise<unknown>): Promise<TinyApiError> {
    try {
      await promise;
    } catch (error: unknown) {
      if (error instanceof TinyApiError) return error;
      throw error;
    }
    throw new Error('expected a TinyApiError');
  }

  it('reads the account info with the CNPJ as digits and learns the plan limit from x-limit-api', async () => {
    const client = await account('tok-info');
    await expect(client.getAccountInfo()).resolves.toEqual({ razaoSocial: 'Loja Exemplo Ltda', cnpj: '12345678000190', email: 'fiscal@loja.example' });
    expect(client.lastRateLimitHint).toMatchObject({ limitPerMinute: 60, maxConcurrent: 15 });
  });

  it('turns an unknown token into an auth error keeping code 2 and the message', async () => {
    await account('tok-real');
    const client = new TinyClient({ baseUrl: `${base}/tiny/api2`, token: 'tok-wrong' });
    const error = await failure(client.getAccountInfo());
    expect(error).toMatchObject({ kind: 'auth', code: 2, messages: [{ erro: 'token invalido' }] });
    expect(error.retryable).toBe(false);
  });

  it('reports code 6 as rate-limited once the minute limit is spent', async () => {
    const client = await account('tok-minute', 3);
    for (let i = 0; i < 3; i += 1) await client.getAccountInfo();
    const error = await failure(client.getAccountInfo());
    expect(error).toMatchObject({ kind: 'rate-limited', code: 6 });
    expect(error.messages[0]?.erro).toContain('API Bloqueada');
    expect(error.retryable).toBe(true);
    expect(client.lastRateLimitHint?.limitPerMinute).toBe(3);
  });

  it('reports code 11 as concurrency-limited when more than a quarter of the limit is in flight', async () => {
    const client = await account('tok-concurrent', 4);
    await control('/control/faults', { system: 'tiny', account: 'tok-concurrent', endpoint: 'info', latencyMs: 250, times: 1 });
    const results = await Promise.allSettled([client.getAccountInfo(), new Promise((r) => setTimeout(r, 50)).then(() => client.getAccountInfo())]);
    expect(results[0].status).toBe('fulfilled');
    expect(results[1].status).toBe('rejected');
    const reason: unknown = results[1].status === 'rejected' ? results[1].reason : undefined;
    expect(reason).toBeInstanceOf(TinyApiError);
    expect(reason).toMatchObject({ kind: 'concurrency-limited', code: 11 });
  });

  it('maps injected maintenance, HTTP 5xx and timeouts to retryable kinds', async () => {
    const client = await account('tok-faults');
    await control('/control/faults', { system: 'tiny', account: 'tok-faults', endpoint: 'info', tinyCodigoErro: 99, times: 1 });
    expect(await failure(client.getAccountInfo())).toMatchObject({ kind: 'maintenance', code: 99 });
    await control('/control/faults', { system: 'tiny', account: 'tok-faults', endpoint: 'info', httpStatus: 502, times: 1 });
    expect(await failure(client.getAccountInfo())).toMatchObject({ kind: 'transient', httpStatus: 502 });
    await control('/control/faults', { system: 'tiny', account: 'tok-faults', endpoint: 'info', latencyMs: 400, times: 1 });
    const impatient = new TinyClient({ baseUrl: `${base}/tiny/api2`, token: 'tok-faults', timeoutMs: 100 });
    const timeout = await failure(impatient.getAccountInfo());
    expect(timeout).toMatchObject({ kind: 'transient', messages: [{ erro: 'timeout' }] });
    await control('/control/faults', { system: 'tiny', account: 'tok-faults', endpoint: 'info', malformedBody: true, times: 1 });
    expect(await failure(client.getAccountInfo())).toMatchObject({ kind: 'transient', messages: [{ erro: 'malformed JSON body' }] });
    await expect(client.getAccountInfo()).resolves.toMatchObject({ cnpj: '12345678000190' });
  });

  it('treats an unknown script (HTML 404) as a request error, not a business answer', async () => {
    const client = await account('tok-404');
    expect(await failure(client.call('nao.existe.php'))).toMatchObject({ kind: 'request', httpStatus: 404 });
  });
});
