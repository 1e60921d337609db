import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort, sleep, startPrivateNats, startPrivatePostgres, waitFor, type PrivateNats, type PrivatePostgres } from '@hub/testing';

/**
 * The whole stack as processes on a PostgreSQL and a nats-server of this test's own, through a PostgreSQL
 * immediate stop and a NATS SIGKILL: no process dies, readiness answers 503 while a dependency is down and
 * liveness stays 200, the webhook intake answers 503 with Retry-After (never 500, never 200) when it cannot
 * persist, the admin API answers 503, and work resumes by itself once the dependency is back.
 */
const root = resolve(__dirname, '../..');
const WORKERS = ['orders', 'catalog', 'fiscal-shipping', 'status-sync'] as const;
const SERVICES = ['gateway', ...WORKERS] as const;

jest.setTimeout(240_000);

let pg: PrivatePostgres;
let nats: PrivateNats;
const procs = new Map<string, ChildProcess>();
const ports = new Map<string, number>();
const exits: { service: string; code: number | null; signal: string | null }[] = [];
const secrets = { HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_API_KEYS: `fault-${randomBytes(12).toString('hex')}` };
const auth = { authorization: `Bearer ${secrets.ADMIN_API_KEYS}` };
const url = (service: string, path: string) => `http://127.0.0.1:${ports.get(service)}${path}`;

const logDir = join(root, '.run', 'fault-logs');

function start(service: string, env: Record<string, string>): void {
  mkdirSync(logDir, { recursive: true });
  const log = openSync(join(logDir, `${service}.log`), 'a');
  const child = spawn(process.execPath, [join(root, 'dist/apps', service, 'src/main.js')], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(ports.get(service)) },
    stdio: ['ignore', log, log],
  });
  child.once('exit', (code, signal) => exits.push({ service, code, signal }));
  procs.set(service, child);
}

async function status(target: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: string }> {
  try {
    const res = await fetch(target, { ...init, signal: AbortSignal.timeout(5_000) });
    return { status: res.status, headers: res.headers, body: await res.text() };
  } catch (error) {
    return { status: 0, headers: new Headers(), body: (error as Error).message };
  }
}

async function json<T>(method: string, target: string, body?: unknown): Promise<T> {
  const res = await fetch(target, { method, headers: { 'content-type': 'application/json', ...auth }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${target} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const readiness = async () => Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, (await status(url(s, '/health/ready'))).status] as const)));
const liveness = async () => Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, (await status(url(s, '/health/live'))).status] as const)));
let lastReadiness: Record<string, number> = {};
const allReady = async () => {
  lastReadiness = await readiness();
  return Object.values(lastReadiness).every((s) => s === 200);
};
const waitAllReady = async () => {
  try {
    await waitFor(allReady, 60_000, 250);
  } catch {
    const details = await Promise.all(SERVICES.map(async (s) => `${s}: ${(await status(url(s, '/health/ready'))).body}`));
    throw new Error(`not ready again: ${JSON.stringify(lastReadiness)}\n${details.join('\n')}`);
  }
};

let connectionId: string;
let webhookStockUrl: string;
const seller = { token: `fault-tiny-${randomBytes(6).toString('hex')}`, key: randomBytes(48).toString('hex'), cnpj: '12345678000195' };

async function importedOrders(): Promise<number> {
  const list = await json<{ total?: number; counts?: Record<string, number>; items: unknown[] }>('GET', url('gateway', `/api/v1/connections/${connectionId}/orders?state=imported&limit=500`));
  return list.total ?? list.items.length;
}

async function createIderisOrders(orders: number, seed: number): Promise<void> {
  await json('POST', url('sandbox', '/control/ideris/orders/peak'), { privateKey: seller.key, orders, accounts: 1, spreadSeconds: 0, seed });
}

function stockNotification(sku: string, saldo: number) {
  return { versao: '1.0.0', cnpj: seller.cnpj, tipo: 'estoque', dados: { tipoEstoque: 'F', saldo, idProduto: 1, sku, skuMapeamento: sku, skuMapeamentoPai: '', idMapeamento: '1', nome: sku, idEcommerce: 1 } };
}

beforeAll(async () => {
  [pg, nats] = await Promise.all([startPrivatePostgres(), startPrivateNats()]);
  const admin = new Client({ connectionString: pg.url('postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE hub');
  await admin.end();
  for (const s of ['sandbox', ...SERVICES]) ports.set(s, await freePort());
  const common = { DATABASE_URL: pg.url('hub'), NATS_URL: nats.url, ...secrets };
  start('sandbox', { LOG_LEVEL: 'silent' });
  start('gateway', { ...common, PUBLIC_BASE_URL: url('gateway', '') });
  for (const w of WORKERS) start(w, common);
  await waitFor(async () => (await status(url('sandbox', '/health/live'))).status === 200, 60_000, 250);
  await waitFor(allReady, 90_000, 250);
  await json('POST', url('sandbox', '/control/tiny/accounts'), { token: seller.token, cnpj: seller.cnpj, limitPerMinute: 6000 });
  await json('POST', url('sandbox', '/control/ideris/accounts'), { privateKey: seller.key, limitPerMinute: 6000 });
  await json('POST', url('sandbox', '/control/ideris/marketplaces'), { privateKey: seller.key, marketplaceName: 'Mercado Livre' });
  const created = await json<{ id: string }>('POST', url('gateway', '/api/v1/connections'), {
    name: 'fault test', tinyToken: seller.token, iderisPrivateKey: seller.key, cnpj: seller.cnpj, tinyIntegrationId: 1,
    tinyBaseUrl: url('sandbox', '/tiny/api2'), iderisBaseUrl: url('sandbox', '/ideris'), settings: { tinyCallsPerMinute: 6000, iderisCallsPerMinute: 6000, newMarketplaceAccounts: 'import' },
  });
  const active = await json<{ id: string; webhookUrls: Record<string, string> }>('POST', url('gateway', `/api/v1/connections/${created.id}/activate`));
  connectionId = active.id;
  webhookStockUrl = active.webhookUrls.estoque ?? Object.values(active.webhookUrls)[0];
  await createIderisOrders(5, 1);
  await waitFor(async () => (await importedOrders()) >= 5, 60_000, 500);
}, 180_000);

afterAll(async () => {
  for (const child of procs.values()) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all([pg?.destroy(), nats?.destroy()]);
});

const postStock = (saldo: number) =>
  status(webhookStockUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(stockNotification('FAULT-SKU', saldo)) });

it('survives a PostgreSQL immediate stop: live 200, ready 503, admin 503, then recovers and imports again', async () => {
  expect((await postStock(5)).status).toBe(200);
  await pg.stop('immediate');
  await sleep(4_000);
  expect(await liveness()).toEqual(Object.fromEntries(SERVICES.map((s) => [s, 200])));
  const ready = await readiness();
  for (const s of SERVICES) expect([s, ready[s]]).toEqual([s, 503]);
  const admin = await status(url('gateway', '/api/v1/connections'), { headers: auth });
  expect(admin.status).toBe(503);
  expect(admin.headers.get('retry-after')).toBeTruthy();
  // The intake persists to JetStream, not PostgreSQL: a connection it checked moments ago is still taken.
  expect((await postStock(7)).status).toBe(200);
  await sleep(4_000);
  expect(exits).toEqual([]);

  const restartedAt = Date.now();
  await pg.start();
  await waitAllReady();
  const recoverySeconds = (Date.now() - restartedAt) / 1000;
  expect(recoverySeconds).toBeLessThan(30);
  await createIderisOrders(3, 2);
  await waitFor(async () => (await importedOrders()) >= 8, 90_000, 500);
  expect(exits).toEqual([]);
});

it('survives a NATS SIGKILL: intake 503 with Retry-After, ready 503, then recovers and imports again', async () => {
  await nats.kill();
  await sleep(3_000);
  expect(await liveness()).toEqual(Object.fromEntries(SERVICES.map((s) => [s, 200])));
  const ready = await readiness();
  for (const s of SERVICES) expect([s, ready[s]]).toEqual([s, 503]);
  const intake = await postStock(9);
  expect(intake.status).toBe(503);
  expect(intake.headers.get('retry-after')).toBeTruthy();
  await sleep(3_000);
  expect(exits).toEqual([]);

  const restartedAt = Date.now();
  await nats.start();
  await waitAllReady();
  expect((Date.now() - restartedAt) / 1000).toBeLessThan(30);
  expect((await postStock(11)).status).toBe(200);
  await createIderisOrders(3, 3);
  await waitFor(async () => (await importedOrders()) >= 11, 90_000, 500);
  expect(exits).toEqual([]);
});
