import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { dropSchema, sql, uniqueSuffix, waitFor } from '@hub/testing';
import { sandboxJson, SELLER, startGateway, startService, type GatewayHarness } from '../../gateway/test/gateway-harness';
import { CatalogAppModule } from '../src/app.module';

/** The gateway, the sandbox and catalog in-process (real PostgreSQL and NATS), one seller connected to the sandbox. */
export interface CatalogHarness {
  h: GatewayHarness;
  catalog: INestApplication;
  catalogSchema: string;
  connectionId: string;
  webhookUrls: Record<string, string>;
  tinyToken: string;
  iderisKey: string;
  sandbox<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** Stops catalog (its NATS listener and consumers) and starts a fresh instance on the same schema. */
  restartCatalog(stoppedFor?: () => Promise<void>): Promise<void>;
  stopCatalog(): Promise<void>;
  startCatalog(): Promise<void>;
  close(): Promise<void>;
}

export interface CatalogHarnessOptions {
  /** The connection's settings (limits default to 600 Tiny / 6000 Ideris calls a minute). */
  settings?: Record<string, unknown>;
  tinyCallsPerMinute?: number;
  iderisCallsPerMinute?: number;
  tinyIntegrationId?: number;
  /** Seeds the sandbox before the connection is activated. */
  beforeActivation?: (sandbox: CatalogHarness['sandbox'], ids: { tinyToken: string; iderisKey: string }) => Promise<void>;
}

export async function startCatalogHarness(name: string, options: CatalogHarnessOptions = {}): Promise<CatalogHarness> {
  const tinyLimit = options.tinyCallsPerMinute ?? 600;
  const iderisLimit = options.iderisCallsPerMinute ?? 6000;
  const h = await startGateway();
  const catalogSchema = uniqueSuffix('catalog');
  const tinyToken = `tiny-token-${name}-${randomBytes(12).toString('hex')}`;
  const iderisKey = randomBytes(48).toString('hex');
  const boot = (): Promise<INestApplication> => startService(h, (config) => CatalogAppModule.forConfig(config), catalogSchema, 'catalog');
  const sandbox = (method: string, path: string, body?: unknown) => sandboxJson(h, method, path, body);
  let catalog: INestApplication | undefined = await boot();
  await sandbox('POST', '/control/tiny/accounts', { token: tinyToken, cnpj: SELLER.cnpj, razaoSocial: `Loja ${name} LTDA`, limitPerMinute: tinyLimit });
  await sandbox('POST', '/control/ideris/accounts', { privateKey: iderisKey, limitPerMinute: iderisLimit });
  const created = await h.api('POST', '/api/v1/connections', {
    name: uniqueSuffix(`${name}-seller`),
    tinyToken,
    iderisPrivateKey: iderisKey,
    cnpj: SELLER.cnpj,
    tinyIntegrationId: options.tinyIntegrationId ?? 779,
    tinyBaseUrl: `${h.sandboxUrl}/tiny/api2`,
    iderisBaseUrl: `${h.sandboxUrl}/ideris`,
    settings: { tinyCallsPerMinute: tinyLimit, iderisCallsPerMinute: iderisLimit, ...(options.settings ?? { safetyBuffer: 1 }) },
  });
  if (created.status !== 201) throw new Error(`connection: ${created.status} ${JSON.stringify(created.body)}`);
  const connectionId = created.body.id as string;
  const webhookUrls = Object.fromEntries(Object.entries(created.body.webhookUrls as Record<string, string>).map(([kind, url]) => [kind, url.replace('http://hub.example.test', h.url)]));
  await options.beforeActivation?.(sandbox, { tinyToken, iderisKey });
  if ((await h.api('POST', `/api/v1/connections/${connectionId}/activate`)).status !== 200) throw new Error('activation failed');
  await waitFor(async () => (await sql(`SELECT 1 FROM "${catalogSchema}".connection_view WHERE id = $1 AND situation = 'active'`, [connectionId])).length === 1, 15_000, 100);
  await sandbox('POST', '/control/tiny/webhooks/settings', { timeScale: 0.001 });

  const harness: CatalogHarness = {
    h,
    get catalog() {
      return catalog!;
    },
    catalogSchema,
    connectionId,
    webhookUrls,
    tinyToken,
    iderisKey,
    sandbox,
    async stopCatalog() {
      await catalog?.close();
      catalog = undefined;
    },
    async startCatalog() {
      catalog = await boot();
    },
    async restartCatalog(stoppedFor) {
      await harness.stopCatalog();
      await stoppedFor?.();
      await harness.startCatalog();
    },
    async close() {
      await catalog?.close();
      await h.close();
      await dropSchema(h.schema);
      await dropSchema(catalogSchema);
    },
  };
  return harness;
}

export async function sandboxCalls(p: CatalogHarness): Promise<{ tiny: Record<string, { calls: number; ok: number; errors: number; blocks: number }>; ideris: Record<string, { calls: number; ok: number; errors: number; blocks: number }> }> {
  const stats = await p.sandbox('GET', '/control/calls');
  return { tiny: stats.tiny[p.tinyToken]?.endpoints ?? {}, ideris: stats.ideris[p.iderisKey]?.endpoints ?? {} };
}

/** Waits until Tiny has delivered every notification of the account (or given up on it). */
export async function deliveriesSettled(p: CatalogHarness, condition: (deliveries: any) => boolean = () => true, timeoutMs = 20_000): Promise<any> {
  return waitFor(async () => {
    const deliveries = await p.sandbox('GET', `/control/tiny/webhooks/deliveries?token=${encodeURIComponent(p.tinyToken)}`);
    return deliveries.pending === 0 && condition(deliveries) ? deliveries : undefined;
  }, timeoutMs, 100);
}

export async function productRows(p: CatalogHarness): Promise<Array<{ sku: string; state: string; direction: string | null; last_outcome: string | null; last_error: string | null }>> {
  return sql(`SELECT sku, state, direction, last_outcome, last_error FROM "${p.catalogSchema}".product_sync WHERE connection_id = $1 ORDER BY sku`, [p.connectionId]);
}
