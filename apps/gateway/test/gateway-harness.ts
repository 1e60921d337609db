import { randomBytes } from 'node:crypto';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Transport } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { OutboxRelay } from '@hub/messaging';
import { correlationMiddleware, EncryptionConfig, loadConfig } from '@hub/platform';
import { testDatabaseUrl, testNatsUrl, uniqueSuffix } from '@hub/testing';
import { createSandboxApp, sandboxUrl } from '../../sandbox/src/sandbox-app';
import { GatewayAppModule } from '../src/app.module';
import { GatewayConfig } from '../src/gateway.config';
import { configureGatewayHttp } from '../src/gateway.http';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface GatewayHarness {
  app: INestApplication;
  url: string;
  schema: string;
  config: GatewayConfig;
  sandbox: NestExpressApplication;
  sandboxUrl: string;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export function gatewayEnv(schema: string): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: testDatabaseUrl(),
    NATS_URL: testNatsUrl(),
    DB_SCHEMA: schema,
    HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_API_KEYS: ADMIN_KEY,
    PUBLIC_BASE_URL: 'http://hub.example.test',
    WEBHOOK_BODY_LIMIT: '64kb',
    LOG_LEVEL: 'silent',
  };
}

/** The gateway in-process on a random port, against real PostgreSQL, NATS and an in-process sandbox. */
export async function startGateway(options: { schema?: string; encryptionKey?: string; env?: NodeJS.ProcessEnv } = {}): Promise<GatewayHarness> {
  const schema = options.schema ?? uniqueSuffix('gw');
  const env = { ...gatewayEnv(schema), ...options.env };
  const config = loadConfig(GatewayConfig, options.encryptionKey ? { ...env, HUB_ENCRYPTION_KEY: options.encryptionKey } : env);
  const sandbox = await createSandboxApp({ logRequests: false });
  await sandbox.listen(0, '127.0.0.1');
  const moduleRef = await Test.createTestingModule({ imports: [GatewayAppModule.forConfig(config)] }).compile();
  const app = moduleRef.createNestApplication({ logger: false, bodyParser: false });
  app.use(correlationMiddleware);
  configureGatewayHttp(app, config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const api: GatewayHarness['api'] = async (method, path, body, headers = { authorization: `Bearer ${ADMIN_KEY}` }) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* non-JSON body kept as text */
      }
      return { status: res.status, body: parsed };
  };
  return {
    app,
    url,
    schema,
    config,
    sandbox,
    sandboxUrl: sandboxUrl(sandbox),
    api,
    async close() {
      // Deleting announces it, so read models elsewhere on this NATS never keep a test connection active.
      const list = await api('GET', '/api/v1/connections');
      for (const c of (list.body as { id: string }[]) ?? []) await api('DELETE', `/api/v1/connections/${c.id}`);
      await app.get(OutboxRelay).drain();
      await app.close();
      await sandbox.close();
    },
  };
}

/** Any call to the sandbox (control API or the fake APIs): the parsed answer, or an error with status and body. */
export async function sandboxJson(h: GatewayHarness, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(`${h.sandboxUrl}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * A worker service in-process next to the gateway: its module built for `schema` (with the gateway's encryption
 * key, to open the credentials), listening for RPC on NATS in its queue group, consumers started.
 */
export async function startService(h: GatewayHarness, forConfig: (config: EncryptionConfig) => DynamicModule, schema: string, queue: string): Promise<INestApplication> {
  const config = loadConfig(EncryptionConfig, { ...gatewayEnv(schema), HUB_ENCRYPTION_KEY: h.config.HUB_ENCRYPTION_KEY });
  const app = (await Test.createTestingModule({ imports: [forConfig(config)] }).compile()).createNestApplication({ logger: false });
  app.connectMicroservice({ transport: Transport.NATS, options: { servers: [testNatsUrl()], queue } });
  await app.startAllMicroservices();
  await app.init();
  return app;
}

/**
 * Runs `run` with the sandbox's Tiny account answering and notifying in the given observed shapes
 * (`POST /control/tiny/shapes`), then puts the account's previous shapes back, whatever happened.
 */
export async function withTinyShapes<T>(h: GatewayHarness, token: string, shapes: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const before = await sandboxJson(h, 'GET', `/control/tiny/shapes?token=${encodeURIComponent(token)}`);
  await sandboxJson(h, 'POST', '/control/tiny/shapes', { token, ...shapes });
  try {
    return await run();
  } finally {
    await sandboxJson(h, 'POST', '/control/tiny/shapes', { token, ...before });
  }
}

export async function sandboxPost(h: GatewayHarness, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${h.sandboxUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`sandbox ${path} answered ${res.status}: ${await res.text()}`);
}

/**
 * The test seller. Its credentials are unique per test process: the shared API budget (PostgreSQL) is keyed
 * by a hash of the credential, so suites must not share an account's budget by accident.
 */
const RUN = randomBytes(6).toString('hex');
export const SELLER = {
  cnpj: '12345678000195',
  tinyToken: `tiny-token-${RUN}-${'a'.repeat(28)}`,
  iderisPrivateKey: `${RUN}${'b'.repeat(84)}`,
  /** Generous limits: the suites test behaviour, not the budget (libs/budget has its own tests). */
  callsPerMinute: 600,
};

/**
 * A seller's accounts in the sandbox (`SELLER` unless a test needs another one, e.g. with a tighter plan): both
 * accounts' limit is `callsPerMinute`, unless `iderisCallsPerMinute` gives Ideris another.
 */
export type SandboxSeller = Pick<typeof SELLER, 'cnpj' | 'tinyToken' | 'iderisPrivateKey' | 'callsPerMinute'> & { iderisCallsPerMinute?: number };

/** Registers the seller's accounts in the sandbox and creates a connection pointing at it. */
export async function createSandboxConnection(h: GatewayHarness, name = uniqueSuffix('seller'), seller: SandboxSeller = SELLER): Promise<any> {
  await sandboxPost(h, '/control/tiny/accounts', { token: seller.tinyToken, cnpj: seller.cnpj, razaoSocial: 'Loja Exemplo LTDA', limitPerMinute: seller.callsPerMinute });
  const iderisCallsPerMinute = seller.iderisCallsPerMinute ?? seller.callsPerMinute;
  await sandboxPost(h, '/control/ideris/accounts', { privateKey: seller.iderisPrivateKey, limitPerMinute: iderisCallsPerMinute });
  const res = await h.api('POST', '/api/v1/connections', {
    name,
    tinyToken: seller.tinyToken,
    iderisPrivateKey: seller.iderisPrivateKey,
    cnpj: '12.345.678/0001-95',
    tinyIntegrationId: 777,
    tinyBaseUrl: `${h.sandboxUrl}/tiny/api2`,
    iderisBaseUrl: `${h.sandboxUrl}/ideris`,
    settings: { tinyCallsPerMinute: seller.callsPerMinute, iderisCallsPerMinute, newMarketplaceAccounts: 'import' },
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
