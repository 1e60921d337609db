import type { NestExpressApplication } from '@nestjs/platform-express';
import { startSandbox } from '../sandbox-app';

describe('sandbox health probes', () => {
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    ({ app, base } = await startSandbox());
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers the liveness probe with 200 {"status":"ok"}', async () => {
    const response = await fetch(`${base}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers the readiness probe with 200 {"status":"ready"}', async () => {
    const response = await fetch(`${base}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });
});
