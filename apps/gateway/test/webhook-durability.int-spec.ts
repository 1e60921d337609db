import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Streams } from '@hub/contracts';
import { dropSchema, testNatsUrl, uniqueSuffix, waitFor } from '@hub/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createSandboxApp, sandboxUrl } from '../../sandbox/src/sandbox-app';
import { ADMIN_KEY, gatewayEnv, SELLER } from './gateway-harness';

const root = resolve(__dirname, '../../..');

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => done(port));
    });
  });
}

/** The built gateway as a real process, so it can be killed with SIGKILL mid-flight. */
describe('webhook durability across a gateway kill -9', () => {
  const schema = uniqueSuffix('gwkill');
  let gateway: ChildProcess;
  let sandbox: NestExpressApplication;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let base: string;
  let env: NodeJS.ProcessEnv;

  async function startGatewayProcess(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [join(root, 'dist/apps/gateway/src/main.js')], { env, stdio: 'ignore' });
    await waitFor(async () => (await fetch(`${base}/health/ready`).catch(() => undefined))?.ok, 30_000, 200);
    return child;
  }

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist/apps/gateway/src/main.js'))) execFileSync('node', ['tools/build.mjs'], { cwd: root });
    sandbox = await createSandboxApp({ logRequests: false });
    await sandbox.listen(0, '127.0.0.1');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = { ...process.env, ...gatewayEnv(schema), PORT: String(port), LOG_LEVEL: 'warn' };
    gateway = await startGatewayProcess();
    nc = await connect({ servers: testNatsUrl() });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    gateway?.kill('SIGKILL');
    await sandbox?.close();
    await nc?.drain();
    await dropSchema(schema);
  });

  it('every notification answered 200 before the kill is in JetStream afterwards', async () => {
    const s = sandboxUrl(sandbox);
    const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await post(`${s}/control/tiny/accounts`, { token: SELLER.tinyToken, cnpj: SELLER.cnpj });
    await post(`${s}/control/ideris/accounts`, { privateKey: SELLER.iderisPrivateKey });
    const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
    const created = await (await fetch(`${base}/api/v1/connections`, {
      method: 'POST', headers: admin,
      body: JSON.stringify({ name: 'kill test', tinyToken: SELLER.tinyToken, iderisPrivateKey: SELLER.iderisPrivateKey, cnpj: SELLER.cnpj, tinyBaseUrl: `${s}/tiny/api2`, iderisBaseUrl: `${s}/ideris` }),
    })).json() as { id: string; webhookUrls: Record<string, string> };
    expect((await fetch(`${base}/api/v1/connections/${created.id}/activate`, { method: 'POST', headers: admin })).status).toBe(200);
    const url = created.webhookUrls['estoque']!.replace('http://hub.example.test', base);

    const accepted: { seq: number; body: string }[] = [];
    const total = 400;
    let sent = 0;
    const sender = async () => {
      while (sent < total) {
        const i = sent++;
        const body = JSON.stringify({ cnpj: SELLER.cnpj, tipo: 'estoque', dados: { saldo: i, sku: `KILL-${i}`, skuMapeamento: `KILL-${i}`, idProduto: i } });
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          if (res.status === 200) accepted.push({ seq: ((await res.json()) as { sequence: number }).sequence, body });
        } catch {
          /* the connection died with the process: Tiny would retry this one */
        }
      }
    };
    const senders = Array.from({ length: 8 }, sender);
    await waitFor(() => accepted.length >= 50, 20_000, 5);
    gateway.kill('SIGKILL');
    await Promise.all(senders);

    expect(accepted.length).toBeGreaterThanOrEqual(50);
    expect(accepted.length).toBeLessThan(total);
    for (const { seq, body } of accepted) {
      const msg = await jsm.streams.getMessage(Streams.TINY_NOTIFICATIONS.name, { seq });
      expect(msg!.json<{ rawBody: string; connectionId: string }>()).toMatchObject({ rawBody: body, connectionId: created.id });
    }

    // The restarted gateway serves the same connection (and the test removes it, announcing the deletion).
    gateway = await startGatewayProcess();
    const again = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cnpj: SELLER.cnpj, tipo: 'estoque', dados: { saldo: 1, sku: 'AFTER' } }) });
    expect(again.status).toBe(200);
    expect((await fetch(`${base}/api/v1/connections/${created.id}`, { method: 'DELETE', headers: admin })).status).toBe(204);
    await new Promise((r) => setTimeout(r, 300));
  });
});
