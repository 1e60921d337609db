import type { NestExpressApplication } from '@nestjs/platform-express';
import { createSandboxApp, sandboxUrl } from '../sandbox-app';

describe('sandbox health probes', () => {
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    app = await createSandboxApp({ logRequests: false });
    await app.listen(0, '127.0.0.1');
    base = sandboxUrl(app);
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
